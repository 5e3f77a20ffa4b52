namespace Grassroots.Domain.Records;

/// <summary>A record a branch logs, keyed "{branchId}/{recordId}". PUT creates or corrects; a void keeps it readable.</summary>
[Alias("record-grain`1")]
public interface IRecordGrain<T> : IGrainWithStringKey where T : RecordData
{
    [ReadOnly, Alias("get")]
    Task<LoggedRecord?> GetAsync();

    [Alias("put")]
    Task<RecordSaved> PutAsync(T data, string actor);

    /// <summary>Voids the record: its figures leave every rollup; it stays readable. Voiding twice changes nothing.</summary>
    [Alias("void")]
    Task<LoggedRecord> VoidAsync(string reason, string actor);
}

[Alias("study-session-grain")]
public interface IStudySessionGrain : IRecordGrain<StudySession>;

[Alias("honoree-talk-grain")]
public interface IHonoreeTalkGrain : IRecordGrain<HonoreeTalk>;

[Alias("publicity-item-grain")]
public interface IPublicityItemGrain : IRecordGrain<PublicityItem>;

[Alias("competition-grain")]
public interface ICompetitionGrain : IRecordGrain<Competition>;
