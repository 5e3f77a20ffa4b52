using System.Net.Http.Headers;
using System.Text;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Silo.Imports;

namespace Grassroots.Silo.FunctionalTests.Imports;

/// <summary>Import bodies as branches send them, and the calls that send them.</summary>
public static class ImportFiles
{
    /// <summary>Study sessions with Chinese headers, as a county federation keeps them in Excel.</summary>
    public const string ChineseHeader = "基层工会编号,记录编号,活动编号,标题,举办日期,形式,类型,参与人次,一线职工人次,青年职工人次,女职工人次,线上观看,备注";

    public static string SessionLine(string branchId, string id, int total, string day = "2020-12-04", string title = "集中学习劳模表彰大会讲话精神") =>
        $"{branchId},{id},{RecordScenario.Campaign},{title},{day},offline,group-study,{total},{Math.Min(total, 30)},{Math.Min(total, 12)},{Math.Min(total, 20)},7,";

    public static string Csv(params string[] lines) => string.Join("\r\n", lines) + "\r\n";

    public static async Task<HttpResponseMessage> PostCsvAsync(this HttpClient client, string csv, string type = "study-sessions",
        Encoding? encoding = null, string query = "", bool bom = false)
    {
        encoding ??= new UTF8Encoding(false);
        var bytes = (bom ? encoding.GetPreamble() : []).Concat(encoding.GetBytes(csv)).ToArray();
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        return await client.PostAsync($"/api/imports?type={type}{query}", content);
    }

    public static async Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string json, string query = "")
    {
        var content = new StringContent(json, Encoding.UTF8, "application/json");
        return await client.PostAsync($"/api/imports{(query.Length > 0 ? "?" + query.TrimStart('&') : "")}", content);
    }

    public static async Task<ImportResult> ImportCsvAsync(this HttpClient client, string csv, string type = "study-sessions", string query = "") =>
        await (await client.PostCsvAsync(csv, type, query: query)).ReadAsync<ImportResult>(System.Net.HttpStatusCode.OK);
}
