using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Localization;

namespace Grassroots.Silo.Apis;

/// <summary>
/// Every problem details answer passes here (ProblemDetailsOptions.CustomizeProblemDetails): fields are named as a client
/// names them, and when the request asks for Chinese (Accept-Language: zh-CN, as the dashboard and the branch page send;
/// chosen by the request localization middleware) the title, detail and every field's message are given in Chinese.
/// Messages are made in English wherever they arise (a field rule, an endpoint, a grain on another silo, a storage
/// failure), so they are translated here, at the edge, from <see cref="Catalog"/>: each English message with its holes
/// ({name}) and its Chinese. A message not in the catalog stays English.
/// </summary>
public static partial class ProblemLanguage
{
    public static readonly IReadOnlyList<(string English, string Chinese)> Catalog =
    [
        // Field rules (FieldAttributes.cs, TextPolicy.cs) and the checks endpoints make.
        (RequiredAttribute.Message, "必填。"),
        (IdAttribute.Message, "须为 1–64 个字符，只能是字母、数字或 . _ : -。"),
        ("At least one is required.", "至少填写一个。"),
        ("At most {n}.", "最多 {n} 个。"),
        ("Must be at most {n} characters.", "最多 {n} 个字符。"),
        ("Must not contain U+{code} ({what}), found at character {at}.", "不得包含 U+{code}（{what}），见第 {at} 个字符。"),
        ("a control character", "控制字符"),
        ("a line break or tab; this field is one line", "换行符或制表符；此项只能填一行"),
        ("a bidirectional embedding or override", "双向文本嵌入或覆盖字符"),
        ("a bidirectional isolate", "双向文本隔离字符"),
        ("a Unicode noncharacter", "Unicode 非字符"),
        ("an unpaired surrogate", "不成对的代理码元"),
        ("Must be an absolute http or https URL.", "须为以 http:// 或 https:// 开头的完整网址。"),
        ("Must be one of: {values}.", "须为以下之一：{values}。"),
        ("Must be a whole number from {min} to {max}.", "须为 {min} 至 {max} 之间的整数。"),
        ("Must not exceed {other} ({n}).", "不得超过 {other}（{n}）。"),
        ("Must be a year from {first} to {last}.", "须为 {first} 至 {last} 年之间的年份。"),
        ("Must be a date written YYYY-MM-DD.", "须为 YYYY-MM-DD 格式的日期。"),
        ("Must not be before {other}.", "不得早于 {other}。"),
        ("Must be true or false.", "须为 true 或 false。"),
        ("Must be a six-digit GB/T 2260 region code.", "须为六位 GB/T 2260 行政区划代码。"),
        ("'{code}' is not a county-level region code.", "“{code}”不是县级行政区划代码。"),
        ("'{code}' is not a provincial-level region code.", "“{code}”不是省级行政区划代码。"),
        ("'{code}' is neither CN nor a provincial-level region code.", "“{code}”既不是 CN，也不是省级行政区划代码。"),
        (FieldChecks.MissingBody, "请求正文须为一个 JSON 对象。"),
        ("No campaign has the id '{id}'.", "没有编号为“{id}”的活动。"),
        ("Is required when filtering by active.", "按 active 筛选时必填。"),
        ("{n} points from {from} to {to}; at most {max}. Use a longer interval or a shorter range.",
            "从 {from} 到 {to} 共 {n} 个点，最多 {max} 个。请用更长的间隔或更短的时间段。"),
        ("An hq key's scope is CN.", "总部密钥的范围须为 CN。"),
        ("'{scope}' is not a province, city or county code.", "“{scope}”不是省、市或县级行政区划代码。"),
        ("No branch is registered with the id '{id}'.", "没有登记编号为“{id}”的基层工会。"),
        // What grains answer (Grassroots.Domain).
        ("No branch has the id '{id}'.", "没有编号为“{id}”的基层工会。"),
        ("No honoree has the id '{id}'.", "没有编号为“{id}”的劳模。"),
        ("{day} is outside the campaign ({from} to {to}).", "{day} 不在活动期间（{from} 至 {to}）。"),
        ("open", "未定"),
        ("{day} is in the future.", "{day} 尚未到来。"),
        ("endsOn is before startsOn.", "结束日期早于开始日期。"),
        ("The {kind} '{id}' was voided and cannot be changed.", "该记录“{id}”已作废，不能再修改。"),
        ("No {kind} '{id}' in branch '{branch}'.", "基层工会“{branch}”没有记录“{id}”。"),
        // Titles and what the edge answers (ApiProblems, RequestLimits, the HTTP edge, the framework's own titles).
        (FieldChecks.Title, "请求无效。"),
        ("One or more validation errors occurred.", "请求无效。"),
        ("The request body is not valid JSON for this resource.", "请求正文不是此资源所需的 JSON。"),
        ("Appears more than once; send each field once {where}.", "出现了不止一次，每项只能发送一次{where}。"),
        ("Not a valid value for this field, or not valid JSON here {where}.", "此项的值无效，或此处不是有效的 JSON{where}。"),
        ("(line {line}, byte {at})", "（第 {line} 行，第 {at} 字节）"),
        ("The request is malformed.", "请求格式有误。"),
        ("The request could not be read as this resource's JSON.", "无法按此资源的 JSON 读取请求。"),
        ("The request body is too large.", "请求正文过大。"),
        ("The limit is {n} MiB.", "上限为 {n} MiB。"),
        ("The request URL is too long.", "请求网址过长。"),
        ("The request body must be JSON (Content-Type: application/json).", "请求正文须为 JSON（Content-Type: application/json）。"),
        ("The database refused this data.", "数据库拒绝了此数据。"),
        ("The service is unavailable; nothing was stored. Try again shortly.", "服务暂不可用，未保存任何内容。请稍后再试。"),
        ("The database is unavailable; nothing was stored. Try again shortly.", "数据库暂不可用，未保存任何内容。请稍后再试。"),
        ("An unexpected error occurred.", "发生了意外错误。"),
        ("No region has the code '{code}'.", "没有代码为“{code}”的地区。"),
        ("No import has the id '{id}'.", "没有编号为“{id}”的导入任务。"),
        ("Unauthorized", "未授权：缺少访问密钥，或密钥无效、已吊销。"),
        ("Forbidden", "超出此访问密钥的权限范围。"),
        ("Not Found", "未找到。"),
        ("Method Not Allowed", "不支持此请求方法。"),
        ("Not Implemented", "不支持此请求方法。"),
        ("The demo data is still loading.", "演示数据加载中。"),
        ("The silo is shutting down.", "此节点正在停止。"),
        ("Migrations are not applied yet.", "数据库结构尚未更新。"),
        ("The database is unreachable.", "无法连接数据库。"),
        ("Each query parameter may be given once.", "每个查询参数只能给出一次。"),
        ("Must be valid UTF-8 once percent-decoded.", "百分号解码后须为有效的 UTF-8。"),
        ("Methods are case-sensitive: {method} is not {upper}.", "请求方法区分大小写：{method} 不是 {upper}。"),
        // What an Excel import refuses (Imports/XlsxWorkbook.cs, Imports/XlsxImportReader.cs), as the 导入 page shows it.
        ("{cell} holds a formula ({formula}), which an import never evaluates. Copy the cells and paste them as values, then import again.",
            "{cell} 含有公式（{formula}），导入从不计算公式。请复制这些单元格，“粘贴为数值”后再导入。"),
        ("{cell} is a merged cell. Unmerge the cells, giving each row its own values, and import again.",
            "{cell} 是合并单元格。请取消合并，让每一行都有自己的值，再导入。"),
        ("{cell}, in the column {column}, holds the number {n}, not a date: the cell has lost its date format (Excel keeps a date as a count of days). " +
            "Format the column as a date, or write dates as YYYY-MM-DD.",
            "{cell}（{column}列）是数字 {n}，不是日期：单元格丢失了日期格式（Excel 以天数保存日期）。请把该列设为日期格式，或把日期写作 YYYY-MM-DD。"),
        ("The first sheet ({sheet}) is empty; an import reads the first sheet only, and {others} holds the rows. Move that sheet first.",
            "第一个工作表（{sheet}）是空的；导入只读取第一个工作表，数据在“{others}”中。请把它移到最前面。"),
        ("The first sheet ({sheet}) is empty.", "第一个工作表（{sheet}）是空的。"),
        ("The sheet {sheet} has more than {max} rows (Excel's last is 1,048,576); split it into files of fewer rows.",
            "工作表“{sheet}”超过 {max} 行，请拆分成几个文件。"),
        ("The file is not an Excel workbook (.xlsx is a zip file; this one is not). Send CSV as text/csv.", "该文件不是 Excel 工作簿（.xlsx）。"),
        ("The workbook is encrypted (protected by a password): save a copy without the password and import that.",
            "该工作簿已加密（设有密码）：请另存一份不设密码的副本再导入。"),
        ("The file is an Excel 97–2003 workbook (.xls); save it as an Excel workbook (.xlsx) or as CSV.",
            "该文件是 Excel 97–2003 工作簿（.xls）：请另存为 Excel 工作簿（.xlsx）或 CSV 后再导入。"),
        ("The part {part} unpacks to {n} bytes from {packed}, more than {ratio} times its size: a zip bomb, or not a workbook Excel wrote.",
            "文件中的 {part} 解压后有 {n} 字节（压缩后 {packed} 字节），超过 {ratio} 倍：可能是“压缩炸弹”，或不是 Excel 写出的工作簿。"),
        ("The workbook unpacks to {n} bytes; at most {max} are read. Split it, or send CSV.", "该工作簿解压后有 {n} 字节，最多读取 {max} 字节。请拆分文件，或上传 CSV。"),
    ];

    private static readonly (Regex English, string Chinese)[] Compiled =
        [.. Catalog.Select(e => (new Regex("^" + EscapedHole().Replace(Regex.Escape(e.English), m => $"(?<{m.Groups[1].Value}>.*?)") + "$",
            RegexOptions.Singleline | RegexOptions.CultureInvariant), e.Chinese))];

    /// <summary>Holes that hold a phrase of the catalog themselves (what a character is, where in the JSON, an open end).</summary>
    private static readonly HashSet<string> Nested = ["what", "where", "to"];

    /// <summary>Names the fields as a client does and, for a request that asks for Chinese, says everything in Chinese.</summary>
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        // The framework's validation names fields by their C# members ("Attendees.Total"); what a client sent ("Name" in a
        // JSON body, reported with the exception that found it) or a header (Content-Type) is named as it was sent.
        if (problem is HttpValidationProblemDetails validation && context.Exception is null)
        {
            var fields = validation.Errors.GroupBy(e => CSharpPath().IsMatch(e.Key) ? FieldChecks.FieldName(e.Key) : e.Key).ToDictionary(g => g.Key, g => g.SelectMany(e => e.Value).ToArray());
            validation.Errors.Clear();
            foreach (var (field, messages) in fields) validation.Errors[field] = messages;
            if (problem.Title is null or "One or more validation errors occurred.") problem.Title = FieldChecks.Title;
        }
        if (!WantsChinese(context.HttpContext)) return;
        problem.Title = Translate(problem.Title);
        problem.Detail = Translate(problem.Detail);
        if (problem is HttpValidationProblemDetails v)
            foreach (var field in v.Errors.Keys.ToList()) v.Errors[field] = [.. v.Errors[field].Select(m => Translate(m)!)];
    }

    public static bool WantsChinese(HttpContext context) =>
        (context.Features.Get<IRequestCultureFeature>()?.RequestCulture.UICulture ?? CultureInfo.CurrentUICulture).TwoLetterISOLanguageName == "zh";

    /// <summary>The Chinese of an English message from the catalog; the message itself when it is not there.</summary>
    public static string? Translate(string? english)
    {
        if (english is null) return null;
        foreach (var (pattern, chinese) in Compiled)
            if (pattern.Match(english) is { Success: true } match)
                return Hole().Replace(chinese, h => match.Groups[h.Groups[1].Value] is { Success: true } g
                    ? Nested.Contains(h.Groups[1].Value) ? Translate(g.Value)! : g.Value
                    : h.Value);
        return english;
    }

    /// <summary>A hole as <see cref="Regex.Escape"/> leaves it: \{name}.</summary>
    [GeneratedRegex(@"\\\{(\w+)}")]
    private static partial Regex EscapedHole();

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex Hole();

    /// <summary>A member path as the framework's validation writes it: Attendees.Total, HonoreeIds[1].</summary>
    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*(\[\d+\])?(\.[A-Za-z_][A-Za-z0-9_]*(\[\d+\])?)*$")]
    private static partial Regex CSharpPath();
}
