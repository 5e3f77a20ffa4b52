using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Grassroots.Silo.FunctionalTests.Support;

/// <summary>
/// An OTLP endpoint of the test's own, as a collector answers the service's exporter: OTLP over gRPC (the exporter's
/// default protocol) on a loopback port, HTTP/2 without TLS. It keeps the spans and the names of the metrics it
/// received. The messages are read with Google.Protobuf's wire-format reader, field by field, by the numbers of
/// OpenTelemetry's proto files (opentelemetry/proto/{collector,trace,metrics,common,resource}/v1): only what the tests
/// look at.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    public sealed record Span(string Service, string Instance, string Scope, string TraceId, string SpanId, string ParentSpanId, string Name,
        IReadOnlyList<(string TraceId, string SpanId)> Links);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Span> _spans = new();
    private readonly ConcurrentDictionary<string, string> _metrics = new();

    private OtlpReceiver(WebApplication app, Uri endpoint) => (_app, Endpoint) = (app, endpoint);

    /// <summary>What OTEL_EXPORTER_OTLP_ENDPOINT is set to.</summary>
    public Uri Endpoint { get; }

    public IReadOnlyCollection<Span> Spans => [.. _spans];

    /// <summary>The names of the metrics received, each with the service instance that sent it.</summary>
    public IReadOnlyDictionary<string, string> Metrics => _metrics;

    public static async Task<OtlpReceiver> StartAsync()
    {
        var port = Grassroots.TestSupport.FreePorts.Take();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        var receiver = new OtlpReceiver(app, new Uri($"http://127.0.0.1:{port}"));
        app.MapPost("/opentelemetry.proto.collector.trace.v1.TraceService/Export", context => receiver.AnswerAsync(context, receiver.ReadTraces));
        app.MapPost("/opentelemetry.proto.collector.metrics.v1.MetricsService/Export", context => receiver.AnswerAsync(context, receiver.ReadMetrics));
        await app.StartAsync();
        return receiver;
    }

    /// <summary>Reads the one gRPC message of the request and answers with an empty message and grpc-status 0.</summary>
    private async Task AnswerAsync(HttpContext context, Action<byte[]> read)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var frame = body.ToArray();
        // gRPC's frame: one byte "compressed" (never, here), four bytes of length (big-endian), the message.
        var length = BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(1, 4));
        read(frame.AsSpan(5, length).ToArray());
        context.Response.ContentType = "application/grpc";
        context.Response.AppendTrailer("grpc-status", "0");
        await context.Response.Body.WriteAsync(new byte[5]);
    }

    /// <summary>ExportTraceServiceRequest: resource_spans(1) → resource(1), scope_spans(2) → scope(1), spans(2).</summary>
    private void ReadTraces(byte[] request)
    {
        foreach (var resourceSpans in Messages(request, 1))
        {
            var (service, instance) = ResourceOf(resourceSpans);
            foreach (var scopeSpans in Messages(resourceSpans, 2))
            {
                var scope = Messages(scopeSpans, 1).Select(s => Text(s, 1)).FirstOrDefault() ?? "";
                foreach (var span in Messages(scopeSpans, 2))
                {
                    // Span: trace_id(1), span_id(2), parent_span_id(4), name(5), links(13) → trace_id(1), span_id(2).
                    var links = Messages(span, 13).Select(l => (Hex(l, 1), Hex(l, 2))).ToList();
                    _spans.Enqueue(new Span(service, instance, scope, Hex(span, 1), Hex(span, 2), Hex(span, 4), Text(span, 5), links));
                }
            }
        }
    }

    /// <summary>ExportMetricsServiceRequest: resource_metrics(1) → resource(1), scope_metrics(2) → metrics(2) → name(1).</summary>
    private void ReadMetrics(byte[] request)
    {
        foreach (var resourceMetrics in Messages(request, 1))
        {
            var (_, instance) = ResourceOf(resourceMetrics);
            foreach (var metric in Messages(resourceMetrics, 2).SelectMany(scope => Messages(scope, 2)))
                _metrics[Text(metric, 1)] = instance;
        }
    }

    /// <summary>Resource: attributes(1) → KeyValue: key(1), value(2) → AnyValue: string_value(1).</summary>
    private static (string Service, string Instance) ResourceOf(byte[] parent)
    {
        var attributes = Messages(parent, 1).SelectMany(resource => Messages(resource, 1))
            .ToDictionary(kv => Text(kv, 1), kv => Messages(kv, 2).Select(v => Text(v, 1)).FirstOrDefault() ?? "");
        return (attributes.GetValueOrDefault("service.name", ""), attributes.GetValueOrDefault("service.instance.id", ""));
    }

    /// <summary>The length-delimited values of field <paramref name="number"/> in a message, in order.</summary>
    private static List<byte[]> Messages(byte[] message, int number)
    {
        var found = new List<byte[]>();
        var input = new CodedInputStream(message);
        for (uint tag; (tag = input.ReadTag()) != 0;)
        {
            if (WireFormat.GetTagFieldNumber(tag) == number && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
                found.Add(input.ReadBytes().ToByteArray());
            else
                input.SkipLastField();
        }
        return found;
    }

    private static string Text(byte[] message, int number) =>
        Messages(message, number).Select(b => System.Text.Encoding.UTF8.GetString(b)).FirstOrDefault() ?? "";

    private static string Hex(byte[] message, int number) =>
        Messages(message, number).Select(b => Convert.ToHexStringLower(b)).FirstOrDefault() ?? "";

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
