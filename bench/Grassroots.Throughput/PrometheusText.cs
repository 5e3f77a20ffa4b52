using System.Globalization;

namespace Grassroots.Throughput;

/// <summary>One sample of a Prometheus text exposition: a metric name, its labels and its value.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>
/// The samples of one scrape in the Prometheus text format (version 0.0.4: `name{label="value",…} value [timestamp]`,
/// comment lines starting with #), as OpenTelemetry's Prometheus exporter writes it. Counters only grow, so what a
/// window did is the difference of two scrapes: <see cref="Sum"/> over the samples a filter keeps, after minus before.
/// </summary>
public sealed class PrometheusText(IReadOnlyList<PrometheusSample> samples)
{
    public static readonly PrometheusText Empty = new([]);

    public IReadOnlyList<PrometheusSample> Samples => samples;

    public static PrometheusText Parse(string text)
    {
        var parsed = new List<PrometheusSample>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var labels = new Dictionary<string, string>();
            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var nameEnd = brace >= 0 ? brace : line.IndexOf(' ', StringComparison.Ordinal);
            var rest = nameEnd;
            if (brace >= 0) rest = ParseLabels(line, brace + 1, labels);
            var fields = line[rest..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (nameEnd <= 0 || fields.Length == 0) throw new FormatException($"Not a Prometheus sample: {line}");
            parsed.Add(new PrometheusSample(line[..nameEnd], labels, ParseValue(fields[0])));
        }
        return new PrometheusText(parsed);
    }

    /// <summary>The sum of the samples named <paramref name="name"/> whose labels <paramref name="where"/> keeps (all when null).</summary>
    public double Sum(string name, Func<IReadOnlyDictionary<string, string>, bool>? where = null) =>
        samples.Where(s => s.Name == name && (where is null || where(s.Labels))).Sum(s => s.Value);

    /// <summary>Each value of a label among the samples named <paramref name="name"/>, with the sum of its samples.</summary>
    public Dictionary<string, double> SumBy(string name, string label) =>
        samples.Where(s => s.Name == name && s.Labels.ContainsKey(label)).GroupBy(s => s.Labels[label]).ToDictionary(g => g.Key, g => g.Sum(s => s.Value));

    /// <summary>Reads label="value" pairs from <paramref name="start"/> to the closing brace; returns the index after it.</summary>
    private static int ParseLabels(string line, int start, Dictionary<string, string> labels)
    {
        var i = start;
        while (i < line.Length && line[i] != '}')
        {
            var equals = line.IndexOf('=', i);
            var name = line[i..equals].Trim(' ', ',');
            var value = new System.Text.StringBuilder();
            for (i = equals + 2; line[i] != '"'; i++)
            {
                if (line[i] == '\\')
                {
                    i++;
                    value.Append(line[i] == 'n' ? '\n' : line[i]);
                }
                else value.Append(line[i]);
            }
            labels[name] = value.ToString();
            i++; // the closing quote
            while (i < line.Length && line[i] is ',' or ' ') i++;
        }
        return i + 1;
    }

    private static double ParseValue(string value) => value switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture),
    };
}
