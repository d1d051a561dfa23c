//! Message catalogs for every language motcua speaks: Vietnamese (the
//! default) and English.
//!
//! The catalogs are Fluent files under `locales/<lang>/`, one file per area
//! (`web.ftl`, `calendar.ftl`, `phone.ftl`, …), compiled into the binary. The
//! web pages and the command line both ask this crate for text, so a message
//! reads the same wherever it is shown. Domain errors carry a stable message
//! key and their arguments; they are turned into words here, at the edge.
#![forbid(unsafe_code)]

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid, static_loader};
use motcua_domain::calendar;
use motcua_domain::message::{Message, MessageArg};

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "vi",
        // Fluent wraps arguments in Unicode isolation marks by default; they
        // end up in CSV cells, terminal output and PDF text, so leave them out.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static VI: LanguageIdentifier = langid!("vi");
static EN: LanguageIdentifier = langid!("en");

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// Tiếng Việt, the default.
    #[default]
    Vi,
    /// English.
    En,
}

impl Lang {
    /// Every supported language, default first.
    pub const ALL: [Lang; 2] = [Lang::Vi, Lang::En];

    /// The BCP 47 tag (`vi`, `en`), as used in `lang=` attributes and cookies.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    /// The language's own name, for the language switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Vi => "Tiếng Việt",
            Lang::En => "English",
        }
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::Vi => &VI,
            Lang::En => &EN,
        }
    }

    /// Reads a tag leniently (`vi`, `vi-VN`, `EN`, `en_US.UTF-8`); `None`
    /// for a language we do not speak.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag
            .trim()
            .split(['-', '_', '.', ';'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the first language we speak from an HTTP `Accept-Language`
    /// value, in the order the client gave (quality values are not weighed:
    /// browsers already list them best first).
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        header.split(',').find_map(Lang::from_tag)
    }

    /// The text of `key` in this language.
    pub fn tr(self, key: &str) -> String {
        LOCALES.lookup(self.id(), key)
    }

    /// The text of `key` with named arguments.
    pub fn tr_args(self, key: &str, args: &[(&'static str, Arg)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            .map(|(name, value)| (Cow::Borrowed(*name), value.to_fluent()))
            .collect();
        LOCALES.lookup_with_args(self.id(), key, &map)
    }

    /// A domain error (or any [`Message`]) in this language.
    pub fn describe(self, message: &dyn Message) -> String {
        self.describe_with(message, Vec::new())
    }

    /// [`Lang::describe`] with arguments the caller adds (words the domain
    /// cannot give, such as a list worded at the edge).
    pub fn describe_with(self, message: &dyn Message, extra: Vec<(&'static str, Arg)>) -> String {
        let mut args: Vec<(&'static str, Arg)> = message
            .message_args()
            .into_iter()
            .map(|(name, value)| (name, self.arg(&value)))
            .collect();
        args.extend(extra);
        self.tr_args(message.message_key(), &args)
    }

    /// One message argument in this language's style: dates dd/mm/yyyy,
    /// instants `HH:MM dd/mm/yyyy` in Vietnam's time, keys as their words.
    pub fn arg(self, value: &MessageArg) -> Arg {
        match value {
            MessageArg::Text(t) => Arg::Text(t.to_string()),
            MessageArg::Key(k) => Arg::Text(self.tr(k)),
            MessageArg::Count(n) => Arg::from(*n),
            MessageArg::Date(d) => Arg::Text(d.format("%d/%m/%Y").to_string()),
            MessageArg::Instant(t) => {
                Arg::Text(calendar::to_local(*t).format("%H:%M %d/%m/%Y").to_string())
            }
        }
    }

    /// Whether the catalog of this language has `key` (without falling back).
    pub fn has(self, key: &str) -> bool {
        // A message that needs arguments fails to format without them but
        // still exists. The loader's error type is private, so tell a format
        // error ("Fluent errors: …") from a missing message by its wording.
        match LOCALES.lookup_single_language::<&str>(self.id(), key, None) {
            Ok(_) => true,
            Err(e) => e.to_string().starts_with("Fluent errors"),
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// The language tag was not one we speak.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownLang(pub String);

impl fmt::Display for UnknownLang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown language `{}` (use vi or en)", self.0)
    }
}

impl std::error::Error for UnknownLang {}

impl FromStr for Lang {
    type Err = UnknownLang;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Lang::from_tag(s).ok_or_else(|| UnknownLang(s.to_owned()))
    }
}

/// An argument to a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Text(String),
    Number(f64),
}

impl Arg {
    fn to_fluent(&self) -> FluentValue<'_> {
        match self {
            Arg::Text(s) => FluentValue::from(s.as_str()),
            Arg::Number(n) => FluentValue::from(*n),
        }
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Text(s.to_owned())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Text(s)
    }
}
impl From<i64> for Arg {
    fn from(n: i64) -> Self {
        Arg::Number(n as f64)
    }
}
impl From<u32> for Arg {
    fn from(n: u32) -> Self {
        Arg::Number(f64::from(n))
    }
}
impl From<u64> for Arg {
    fn from(n: u64) -> Self {
        Arg::Number(n as f64)
    }
}
impl From<usize> for Arg {
    fn from(n: usize) -> Self {
        Arg::Number(n as f64)
    }
}

/// Something the user can be told about in their language: domain errors and
/// their friends implement this so the web and the CLI word them alike.
pub trait Localized {
    /// The message in `lang`.
    fn localize(&self, lang: Lang) -> String;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every message key of every catalog file, read from the sources.
    fn keys(lang: Lang) -> std::collections::BTreeSet<(String, String)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang.tag());
        let mut keys = std::collections::BTreeSet::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let file = path.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).unwrap();
            for line in text.lines() {
                let starts_key = line.starts_with(|c: char| c.is_ascii_lowercase());
                if let (true, Some((key, _))) = (starts_key, line.split_once(" =")) {
                    keys.insert((file.clone(), key.trim().to_owned()));
                }
            }
        }
        keys
    }

    #[test]
    fn every_language_has_every_key_in_the_same_file() {
        let vi = keys(Lang::Vi);
        let en = keys(Lang::En);
        let only_vi: Vec<_> = vi.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&vi).collect();
        assert!(only_vi.is_empty(), "missing in English: {only_vi:?}");
        assert!(only_en.is_empty(), "missing in Vietnamese: {only_en:?}");
        for (_, key) in &vi {
            assert!(
                Lang::Vi.has(key) && Lang::En.has(key),
                "{key} does not parse"
            );
        }
    }

    #[test]
    fn arguments_are_not_wrapped_in_isolation_marks() {
        let text = Lang::Vi.tr_args("language-switched", &[("lang", "English".into())]);
        assert!(!text.contains('\u{2068}'), "{text:?}");
        assert!(text.contains("English"));
    }

    #[test]
    fn tags_are_read_leniently() {
        assert_eq!(Lang::from_tag("vi-VN"), Some(Lang::Vi));
        assert_eq!(Lang::from_tag("en_US.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::from_tag("fr"), None);
        assert_eq!(
            Lang::from_accept_language("fr-FR,en;q=0.8,vi;q=0.5"),
            Some(Lang::En)
        );
    }
}

#[cfg(test)]
mod domain_messages {
    use super::*;
    use chrono::{NaiveDate, TimeZone, Utc};
    use motcua_domain::calendar::{CalendarError, LunarDate};
    use motcua_domain::code::CodeError;
    use motcua_domain::lifecycle::{ActionKind, LifecycleError, Role, Stage};
    use motcua_domain::phone::{self, Recorded};
    use motcua_domain::regime::{DecreeId, RegimeError, RegimePart};

    /// One error of every kind the domain reports, each worded in both
    /// languages without a missing key or argument.
    #[test]
    fn every_domain_error_has_words_in_both_languages() {
        let day = NaiveDate::from_ymd_opt(2025, 3, 3).unwrap();
        let at = Utc.with_ymd_and_hms(2025, 3, 3, 3, 0, 0).unwrap();
        let calendar = [
            CalendarError::LunarOutOfRange { date: day },
            CalendarError::NoSuchLunarDate {
                lunar: LunarDate::new(2025, 2, 30),
            },
            CalendarError::WorkingDaysOutOfRange {
                date: day,
                first: day,
                last: day,
            },
            CalendarError::InvalidOfficeHours { reason: "x".into() },
        ];
        let regime = RegimeError::BeforeEarliest {
            date: day,
            part: RegimePart::Circular,
            earliest: day,
        };
        let code = [
            CodeError::BadAgency("x".into()),
            CodeError::Malformed("x".into()),
            CodeError::BadDate("x".into()),
            CodeError::SequenceWidth {
                got: "1".into(),
                min: 4,
                max: 4,
            },
            CodeError::SequenceOutOfRange {
                sequence: 0,
                max: 9999,
            },
            CodeError::BadUpstream,
        ];
        let lifecycle = [
            LifecycleError::NotAllowedInStage {
                action: ActionKind::Accept,
                stage: Stage::Returned,
            },
            LifecycleError::RoleNotAllowed {
                action: ActionKind::Assign,
                role: Role::Applicant,
            },
            LifecycleError::NotUnderRegime {
                rule: "amend",
                decree: DecreeId::Nd61_2018,
            },
            LifecycleError::AlreadyUsed {
                action: ActionKind::Apologize,
            },
            LifecycleError::SupplementWindowClosed { deadline: at },
            LifecycleError::SupplementPeriodRunning { deadline: at },
            LifecycleError::SupplementPeriodOver { deadline: at },
            LifecycleError::ApologyTooLate { due: at },
            LifecycleError::NewDueNotLater {
                due: at,
                new_due: at,
            },
            LifecycleError::NoDueDate,
            LifecycleError::NothingToSupplement,
            LifecycleError::ReasonRequired {
                action: ActionKind::Refuse,
            },
            LifecycleError::OnlineOnly {
                action: ActionKind::Amend,
            },
            LifecycleError::TimeGoesBackwards { last: at, at },
            LifecycleError::AlreadyEntered,
            LifecycleError::NotAnEntry,
            LifecycleError::InconsistentEvent {
                action: ActionKind::Assign,
                stage: Stage::Returned,
            },
            LifecycleError::Regime(regime.clone()),
        ];
        let phones: Vec<_> = [
            "",
            "abc",
            "0912",
            "09123456789012",
            "+1 212 555 0100",
            "113",
            "0951234567",
            "0378123456",
        ]
        .iter()
        .map(|input| phone::normalize(input, Recorded::Unknown).unwrap_err())
        .collect();
        use motcua_domain::catalog::{CatalogError, CatalogProblem};
        let catalog: Vec<CatalogError> = [
            CatalogProblem::Version {
                found: 2,
                expected: 1,
            },
            CatalogProblem::DuplicateVersion,
            CatalogProblem::BadCode,
            CatalogProblem::Empty { what: "name" },
            CatalogProblem::NoLegalBasis,
            CatalogProblem::NoSources,
            CatalogProblem::NoCompetent,
            CatalogProblem::BadId,
            CatalogProblem::DuplicateId,
            CatalogProblem::ZeroMax,
            CatalogProblem::MinAboveMax,
            CatalogProblem::TooFewOptions,
            CatalogProblem::NoMediaType,
            CatalogProblem::NotMediaType,
            CatalogProblem::BadMaxBytes,
            CatalogProblem::ZeroSets,
            CatalogProblem::UploadNotFile { upload: "x".into() },
            CatalogProblem::UploadUnknown { upload: "x".into() },
            CatalogProblem::DuplicateStep,
            CatalogProblem::UnknownStep { step: "x".into() },
            CatalogProblem::StepCycle,
        ]
        .into_iter()
        .map(|problem| CatalogError {
            location: "procedures[0]".into(),
            problem,
        })
        .collect();
        use motcua_domain::forms::{FieldProblem, Problem};
        use motcua_domain::identity::IdentityError;
        let forms: Vec<FieldProblem> = [
            Problem::Required,
            Problem::BadCharacter,
            Problem::TooLong { max: 20 },
            Problem::NotANumber,
            Problem::OutOfRange { min: 1, max: 9 },
            Problem::NotADate,
            Problem::NotAnOption,
            Problem::Identity(IdentityError::PersonalLength),
            Problem::Identity(IdentityError::PersonalPlace),
            Problem::Identity(IdentityError::PersonalCentury),
            Problem::Identity(IdentityError::TaxCodeShape),
            Problem::Email,
            Problem::CommuneMissing,
            Problem::FileType {
                accepted: "PDF".into(),
            },
            Problem::FileTooLarge { max_bytes: 5 << 20 },
            Problem::TooManyFiles,
            Problem::TooShort { min: 10 },
            Problem::Mismatch,
            Problem::Taken,
            Problem::UnknownField,
            Problem::NotAFileField,
        ]
        .into_iter()
        .map(|problem| FieldProblem {
            field: "x".into(),
            problem,
        })
        .collect();
        use motcua_domain::address::{AddressError, CodeKind, CommuneCode, ProvinceCode};
        use motcua_domain::postal::{PostalError, RouteClass};
        let commune = CommuneCode::new(29869).expect("a commune code");
        let addresses = [
            AddressError::BadCode {
                what: CodeKind::Commune,
                text: "1".into(),
            },
            AddressError::BadCode {
                what: CodeKind::Province,
                text: "1".into(),
            },
            AddressError::UnknownProvince {
                code: ProvinceCode::new(99).expect("a province code"),
            },
            AddressError::UnknownCommune { code: commune },
            AddressError::EmptyDetail,
            AddressError::DetailTooLong {
                chars: 300,
                max: 200,
            },
            AddressError::EmptyLegacy,
            AddressError::LegacyTooLong {
                chars: 400,
                max: 300,
            },
            AddressError::ControlCharacter,
            AddressError::Data {
                file: "communes.csv",
                line: 2,
                reason: "x".into(),
            },
        ];
        let postal: Vec<PostalError> = RouteClass::ALL
            .into_iter()
            .map(|class| PostalError::NoPrice { class, grams: 200 })
            .chain([
                PostalError::UnknownCommune { code: commune },
                PostalError::Data {
                    file: "routes.toml",
                    reason: "x".into(),
                },
            ])
            .collect();
        use motcua_domain::postal::consignment::{ConsignmentError, Status, Step};
        // Every step refused in every status, every field missing.
        let steps = [
            Step::PickUp {
                waybill: "x".into(),
                postage_vnd: 0,
                fees_vnd: 0,
                post_office: None,
            },
            Step::HandToAgency { record: "x".into() },
            Step::HandToPost {
                record: "x".into(),
                waybill: "x".into(),
            },
            Step::Attempt { note: "x".into() },
            Step::Deliver {
                recipient: "x".into(),
                identity: "x".into(),
            },
            Step::ReturnToAgency,
            Step::Cancel { reason: "x".into() },
            Step::ReturnToSender { reason: "x".into() },
        ];
        let statuses = [
            Status::Booked,
            Status::PickedUp,
            Status::AtAgency,
            Status::AwaitingPost,
            Status::WithPost,
            Status::NotDelivered,
            Status::Delivered,
            Status::BackAtAgency,
            Status::Cancelled,
            Status::ReturnedToSender,
        ];
        let mut consignment: Vec<ConsignmentError> = steps
            .iter()
            .flat_map(|step| {
                statuses.iter().map(|status| ConsignmentError::NotNow {
                    step: step.key(),
                    status: status.key(),
                })
            })
            .collect();
        consignment.extend(
            [
                "record",
                "note",
                "recipient",
                "identity",
                "reason",
                "waybill",
            ]
            .into_iter()
            .map(|field| ConsignmentError::Missing { field }),
        );
        consignment.extend([
            ConsignmentError::Waybill {
                waybill: "x".into(),
            },
            ConsignmentError::TooSoon { next: day },
            ConsignmentError::Backwards,
        ]);
        let mut all: Vec<&dyn Message> = Vec::new();
        all.extend(addresses.iter().map(|e| e as &dyn Message));
        all.extend(postal.iter().map(|e| e as &dyn Message));
        all.extend(consignment.iter().map(|e| e as &dyn Message));
        all.extend(forms.iter().map(|e| e as &dyn Message));
        all.extend(catalog.iter().map(|e| e as &dyn Message));
        all.extend(calendar.iter().map(|e| e as &dyn Message));
        all.push(&regime);
        all.extend(code.iter().map(|e| e as &dyn Message));
        all.extend(lifecycle.iter().map(|e| e as &dyn Message));
        all.extend(phones.iter().map(|e| e as &dyn Message));
        for lang in Lang::ALL {
            for message in &all {
                let key = message.message_key();
                let text = lang.describe_with(*message, vec![("candidates", "x".into())]);
                assert!(
                    !text.starts_with("Unknown localization") && !text.contains("{"),
                    "{lang} {key}: {text}"
                );
            }
        }
        // Instants are shown in Vietnam's time, dates as dd/mm/yyyy.
        let text = Lang::Vi.describe(&LifecycleError::ApologyTooLate { due: at });
        assert!(text.contains("10:00 03/03/2025"), "{text}");
        let text = Lang::En.describe(&regime);
        assert!(
            text.contains("03/03/2025") && text.contains("circular"),
            "{text}"
        );
    }
}
