namespace Grassroots.Domain;

/// <summary>
/// The keys of the message catalog (Messages.resx, English, and Messages.zh.resx, Chinese, beside this file; what each
/// key's arguments are is in its comment there): what a <see cref="Message"/> names. A test holds the catalog and these
/// keys in step.
/// </summary>
public static class MessageKeys
{
    // Field rules.
    public const string Required = nameof(Required);
    public const string IdRule = nameof(IdRule);
    public const string AtLeastOne = nameof(AtLeastOne);
    public const string AtMostItems = nameof(AtMostItems);
    public const string AtMostCharacters = nameof(AtMostCharacters);
    public const string ForbiddenCharacter = nameof(ForbiddenCharacter);
    public const string CharacterControl = nameof(CharacterControl);
    public const string CharacterLineBreak = nameof(CharacterLineBreak);
    public const string CharacterBidirectional = nameof(CharacterBidirectional);
    public const string CharacterIsolate = nameof(CharacterIsolate);
    public const string CharacterNoncharacter = nameof(CharacterNoncharacter);
    public const string CharacterUnpairedSurrogate = nameof(CharacterUnpairedSurrogate);
    public const string WebAddress = nameof(WebAddress);
    public const string OneOf = nameof(OneOf);
    public const string WholeNumber = nameof(WholeNumber);
    public const string NotAbove = nameof(NotAbove);
    public const string Year = nameof(Year);
    public const string Date = nameof(Date);
    public const string NotBefore = nameof(NotBefore);
    public const string Flag = nameof(Flag);
    public const string RegionCode = nameof(RegionCode);
    public const string NotCounty = nameof(NotCounty);
    public const string NotProvince = nameof(NotProvince);
    public const string NotNationalOrProvince = nameof(NotNationalOrProvince);
    public const string Period = nameof(Period);
    public const string ApprovalLevelOneOf = nameof(ApprovalLevelOneOf);
    public const string ApprovalPathTooShort = nameof(ApprovalPathTooShort);
    public const string ApprovalPathNotALevel = nameof(ApprovalPathNotALevel);
    public const string ApprovalPathOrder = nameof(ApprovalPathOrder);

    // Checks endpoints make.
    public const string MissingBody = nameof(MissingBody);
    public const string NoCampaign = nameof(NoCampaign);
    public const string RequiredWhenActive = nameof(RequiredWhenActive);
    public const string TooManyPoints = nameof(TooManyPoints);
    public const string HqScope = nameof(HqScope);
    public const string NotAScope = nameof(NotAScope);
    public const string NoRegisteredBranch = nameof(NoRegisteredBranch);
    public const string RecordIdNeedsBranch = nameof(RecordIdNeedsBranch);

    // What grains answer.
    public const string NoBranch = nameof(NoBranch);
    public const string NoHonoree = nameof(NoHonoree);
    public const string OutsideCampaign = nameof(OutsideCampaign);
    public const string OpenEnd = nameof(OpenEnd);
    public const string InTheFuture = nameof(InTheFuture);
    public const string EndsBeforeStarts = nameof(EndsBeforeStarts);
    public const string CampaignIdMismatch = nameof(CampaignIdMismatch);
    public const string CampaignPeriodsLocked = nameof(CampaignPeriodsLocked);
    public const string RecordVoided = nameof(RecordVoided);
    public const string NoRecord = nameof(NoRecord);
    public const string KeyExists = nameof(KeyExists);
    public const string PeriodByMonth = nameof(PeriodByMonth);
    public const string PeriodByWeek = nameof(PeriodByWeek);
    public const string PeriodOutsideCampaign = nameof(PeriodOutsideCampaign);
    public const string RegionDoesNotSubmit = nameof(RegionDoesNotSubmit);
    public const string ApprovalOnly = nameof(ApprovalOnly);
    public const string ApprovalNoPart = nameof(ApprovalNoPart);
    public const string PeriodLocked = nameof(PeriodLocked);
    public const string PeriodLockedDetail = nameof(PeriodLockedDetail);
    public const string PeriodOpen = nameof(PeriodOpen);
    public const string PeriodSubmitted = nameof(PeriodSubmitted);
    public const string PeriodApproved = nameof(PeriodApproved);
    public const string PeriodReturned = nameof(PeriodReturned);
    public const string CannotSubmit = nameof(CannotSubmit);
    public const string CannotApprove = nameof(CannotApprove);
    public const string CannotReturn = nameof(CannotReturn);
    public const string CannotReopen = nameof(CannotReopen);
    public const string WriteConflict = nameof(WriteConflict);
    public const string WriteRefused = nameof(WriteRefused);

    // Titles and what the edge answers.
    public const string InvalidRequest = nameof(InvalidRequest);
    public const string JsonInvalid = nameof(JsonInvalid);
    public const string JsonDuplicate = nameof(JsonDuplicate);
    public const string JsonBadValue = nameof(JsonBadValue);
    public const string JsonWhere = nameof(JsonWhere);
    public const string Malformed = nameof(Malformed);
    public const string Unreadable = nameof(Unreadable);
    public const string BodyTooLarge = nameof(BodyTooLarge);
    public const string BodyLimit = nameof(BodyLimit);
    public const string UrlTooLong = nameof(UrlTooLong);
    public const string UrlLimit = nameof(UrlLimit);
    public const string JsonOnly = nameof(JsonOnly);
    public const string DatabaseRefused = nameof(DatabaseRefused);
    public const string ServiceUnavailable = nameof(ServiceUnavailable);
    public const string DatabaseUnavailable = nameof(DatabaseUnavailable);
    public const string Unexpected = nameof(Unexpected);
    public const string NoRegion = nameof(NoRegion);
    public const string NoImport = nameof(NoImport);
    public const string ApiKeyRequired = nameof(ApiKeyRequired);
    public const string ApiKeyNotAccepted = nameof(ApiKeyNotAccepted);
    public const string BearerHint = nameof(BearerHint);
    public const string BearerMalformed = nameof(BearerMalformed);
    public const string ApiKeyUnknown = nameof(ApiKeyUnknown);
    public const string OutsideScope = nameof(OutsideScope);
    public const string ScopeRules = nameof(ScopeRules);
    public const string Status401 = nameof(Status401);
    public const string Status403 = nameof(Status403);
    public const string Status404 = nameof(Status404);
    public const string Status405 = nameof(Status405);
    public const string Status501 = nameof(Status501);
    public const string DemoLoading = nameof(DemoLoading);
    public const string ShuttingDown = nameof(ShuttingDown);
    public const string SiloNotActive = nameof(SiloNotActive);
    public const string RollupsNotJoined = nameof(RollupsNotJoined);
    public const string ShardNotHeld = nameof(ShardNotHeld);
    public const string MigrationsPending = nameof(MigrationsPending);
    public const string DatabaseUnreachable = nameof(DatabaseUnreachable);
    public const string QueryOnce = nameof(QueryOnce);
    public const string Utf8Query = nameof(Utf8Query);
    public const string MethodCase = nameof(MethodCase);

    // Imports.
    public const string ImportMediaType = nameof(ImportMediaType);
    public const string ImportTypeRequired = nameof(ImportTypeRequired);
    public const string ImportCharset = nameof(ImportCharset);
    public const string ImportNoRows = nameof(ImportNoRows);
    public const string ImportNoHeader = nameof(ImportNoHeader);
    public const string ImportHeaderUnreadable = nameof(ImportHeaderUnreadable);
    public const string ImportLineTooLong = nameof(ImportLineTooLong);
    public const string ImportNotCsv = nameof(ImportNotCsv);
    public const string ImportHeaderTwice = nameof(ImportHeaderTwice);
    public const string ImportHeaderMissing = nameof(ImportHeaderMissing);
    public const string ImportBadBytes = nameof(ImportBadBytes);
    public const string EncodingNotDeclaredUtf8 = nameof(EncodingNotDeclaredUtf8);
    public const string EncodingMixedUtf8 = nameof(EncodingMixedUtf8);
    public const string EncodingNotDeclaredGb18030 = nameof(EncodingNotDeclaredGb18030);
    public const string EncodingNeither = nameof(EncodingNeither);
    public const string ImportNotWholeNumber = nameof(ImportNotWholeNumber);
    public const string ImportNotDate = nameof(ImportNotDate);
    public const string ImportNotExcelDate = nameof(ImportNotExcelDate);
    public const string ImportFailed = nameof(ImportFailed);
    public const string ImportJsonListTwice = nameof(ImportJsonListTwice);
    public const string ImportJsonNotList = nameof(ImportJsonNotList);
    public const string ImportJsonInvalid = nameof(ImportJsonInvalid);
    public const string ImportJsonInvalidText = nameof(ImportJsonInvalidText);
    public const string ImportJsonRowNotObject = nameof(ImportJsonRowNotObject);
    public const string ImportJsonFieldTwice = nameof(ImportJsonFieldTwice);
    public const string ImportJsonBadValue = nameof(ImportJsonBadValue);

    // What an Excel import refuses.
    public const string XlsxFormula = nameof(XlsxFormula);
    public const string XlsxMerged = nameof(XlsxMerged);
    public const string XlsxDateAsNumber = nameof(XlsxDateAsNumber);
    public const string XlsxNoNumber = nameof(XlsxNoNumber);
    public const string XlsxNoSharedString = nameof(XlsxNoSharedString);
    public const string XlsxFirstSheetEmptyOthers = nameof(XlsxFirstSheetEmptyOthers);
    public const string XlsxFirstSheetEmpty = nameof(XlsxFirstSheetEmpty);
    public const string XlsxNoSheet = nameof(XlsxNoSheet);
    public const string XlsxSheetMissing = nameof(XlsxSheetMissing);
    public const string XlsxSheetDamaged = nameof(XlsxSheetDamaged);
    public const string XlsxTooManyRows = nameof(XlsxTooManyRows);
    public const string XlsxNotWorkbook = nameof(XlsxNotWorkbook);
    public const string XlsxEncrypted = nameof(XlsxEncrypted);
    public const string XlsxLegacy = nameof(XlsxLegacy);
    public const string XlsxZipDamaged = nameof(XlsxZipDamaged);
    public const string XlsxUnreadable = nameof(XlsxUnreadable);
    public const string XlsxTooManyParts = nameof(XlsxTooManyParts);
    public const string XlsxZipBomb = nameof(XlsxZipBomb);
    public const string XlsxPartOverDeclared = nameof(XlsxPartOverDeclared);
    public const string XlsxTooLarge = nameof(XlsxTooLarge);
    public const string XlsxNoWorkbookPart = nameof(XlsxNoWorkbookPart);
    public const string XlsxWorkbookPartMissing = nameof(XlsxWorkbookPartMissing);
    public const string Untranslated = nameof(Untranslated);
}
