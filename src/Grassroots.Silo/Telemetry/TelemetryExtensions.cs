using Grassroots.Storage;
using OpenTelemetry.Metrics;
using Polly.Telemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Grassroots.Silo.Telemetry;

/// <summary>
/// Spans and metrics: ASP.NET Core requests, Orleans grain calls (activity propagation is switched on in the silo, so a
/// request's span has its grain calls beneath it) and the service's own "Grassroots" source and meter (records ingested,
/// storage batches, rollup delivery, rejected requests). Exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set, to
/// the console when Telemetry:Console is true, and for Prometheus to scrape at /metrics on the management port
/// (Hosting/ManagementPort.cs) when Telemetry:Prometheus is true; nothing is collected when none is. Log scopes (trace, branch and grain ids) are there whatever is configured.
/// </summary>
public static class TelemetryExtensions
{
    /// <summary>The sources a trace of this service is made of.</summary>
    public static readonly string[] Sources = [GrassrootsTelemetry.Name, "Microsoft.Orleans.Application", "Microsoft.AspNetCore"];

    /// <summary>The meters: the service's own, Orleans', ASP.NET Core's and Polly's (retries of the resilience pipelines).</summary>
    public static readonly string[] Meters = [GrassrootsTelemetry.Name, "Microsoft.Orleans", "Microsoft.AspNetCore.Hosting", "Polly"];

    public static WebApplicationBuilder AddGrassrootsTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IIncomingGrainCallFilter, GrainLogScope>();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<IOutgoingGrainCallFilter, RequestIds>();
        // A retry is not a failure: Polly logs each retry and each failed attempt as a warning, and the request it serves
        // still succeeds. They are information here (counted in Polly's metrics all the same); what fails is the
        // request in the end, answered 503 or logged as an error by the host.
        builder.Services.Configure<TelemetryOptions>(o => o.SeverityProvider = args =>
            args.Event.EventName is "OnRetry" or "ExecutionAttempt" ? ResilienceEventSeverity.Information : args.Event.Severity);
        var otlp = !string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var console = builder.Configuration.GetValue<bool>("Telemetry:Console");
        var prometheus = builder.Configuration.GetValue<bool>("Telemetry:Prometheus");
        if (!otlp && !console && !prometheus) return builder;

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("grassroots", serviceInstanceId: builder.Configuration["Storage:Shard"] ?? Environment.MachineName))
            .WithTracing(tracing =>
            {
                tracing.AddSource(Sources).AddAspNetCoreInstrumentation();
                if (otlp) tracing.AddOtlpExporter();
                if (console) tracing.AddConsoleExporter();
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(Meters);
                if (otlp) metrics.AddOtlpExporter();
                if (console) metrics.AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 10_000);
                if (prometheus) metrics.AddPrometheusExporter();
            });
        return builder;
    }

    /// <summary>First in the pipeline, so it sees every answer as sent: request metrics and log scopes. /metrics is on the management port.</summary>
    public static WebApplication UseGrassrootsTelemetry(this WebApplication app)
    {
        app.UseMiddleware<RequestTelemetry>();
        return app;
    }
}
