using Grassroots.Runtime;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Grassroots.Silo.Telemetry;

/// <summary>
/// Spans (HTTP requests, grain calls, storage batches) and metrics under the name "Grassroots". Exported over
/// OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set, and to the console when Telemetry:Console is true.
/// </summary>
public static class TelemetryExtensions
{
    public static WebApplicationBuilder AddGrassrootsTelemetry(this WebApplicationBuilder builder)
    {
        var otlp = !string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var console = builder.Configuration.GetValue<bool>("Telemetry:Console");
        if (!otlp && !console) return builder;

        var resource = ResourceBuilder.CreateDefault().AddService("grassroots",
            serviceInstanceId: builder.Configuration["Storage:Shard"] ?? Environment.MachineName);
        var tracing = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource)
            .AddSource(RuntimeTelemetry.Name, "Microsoft.AspNetCore");
        var metrics = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource)
            .AddMeter(RuntimeTelemetry.Name, "Microsoft.AspNetCore.Hosting");
        if (otlp)
        {
            tracing.AddOtlpExporter();
            metrics.AddOtlpExporter();
        }
        if (console)
        {
            tracing.AddProcessor(new SimpleActivityExportProcessor(new ConsoleSpanExporter()));
            metrics.AddReader(new PeriodicExportingMetricReader(new ConsoleMetricExporter(), 10_000));
        }
        builder.Services.AddSingleton(tracing.Build()!);
        builder.Services.AddSingleton(metrics.Build()!);
        return builder;
    }
}
