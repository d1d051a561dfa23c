//! What the API's bodies look like, shared by several endpoints: problems
//! and the responses that carry them, accounts, and the keys of the
//! domain's enumerations (stages, actions, outcomes, roles) as schemas.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use motcua_domain::lifecycle::{ActionKind, Stage};
use motcua_i18n::Lang;
use motcua_store::{Delivery, Satisfaction, User, UserKind};
use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::{RefOr, Response, ResponseBuilder};
use utoipa::{PartialSchema, ToResponse, ToSchema};

use crate::error::PROBLEM_JSON;

/// A problem (RFC 9457): what went wrong, in the request's language
/// (`Accept-Language`: Vietnamese by default, English).
#[derive(Debug, Serialize, ToSchema)]
#[allow(dead_code)] // Describes the body `crate::error` renders.
pub struct Problem {
    /// `https://motcua.vn/problems/<slug>`; stable, for clients to match on.
    #[serde(rename = "type")]
    #[schema(example = "https://motcua.vn/problems/invalid-input")]
    pub type_uri: String,
    /// A short, fixed title of the kind of problem.
    pub title: String,
    /// The HTTP status.
    #[schema(example = 422)]
    pub status: u16,
    /// What happened, for a person, in the request's language.
    pub detail: String,
    /// The request path.
    pub instance: String,
    /// The `x-request-id` of the request, also in the server's logs.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String)]
    pub request_id: Option<String>,
    /// What was wrong with a malformed request, in the parser's own words
    /// (English, for developers; only on `bad-request` and `invalid-input`
    /// when the body or query could not be read).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String)]
    pub reason: Option<String>,
    /// One entry per input with a problem (only on `invalid-input`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Vec<FieldError>)]
    pub errors: Option<Vec<FieldError>>,
}

/// A problem at one input.
#[derive(Debug, Serialize, ToSchema)]
#[allow(dead_code)] // Describes the body `crate::error` renders.
pub struct FieldError {
    /// The input's name (`identity`, `home.commune`, `delivery_choice`).
    #[schema(example = "identity")]
    pub field: String,
    /// A stable message key, for clients that word it themselves.
    #[schema(example = "form-error-identity-length")]
    pub code: String,
    /// The message in the request's language.
    pub message: String,
}

/// A problem response of one kind: the `application/problem+json` body
/// with the description given.
fn problem_response(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            PROBLEM_JSON,
            utoipa::openapi::ContentBuilder::new()
                .schema(Some(Problem::schema_ref()))
                .build(),
        )
        .build()
}

trait SchemaRef {
    fn schema_ref() -> RefOr<Schema>;
}

impl<T: ToSchema> SchemaRef for T {
    fn schema_ref() -> RefOr<Schema> {
        RefOr::Ref(utoipa::openapi::Ref::from_schema_name(T::name()))
    }
}

/// Declares a reusable problem response (`#/components/responses/<Name>`).
macro_rules! problem_responses {
    ($($name:ident => $description:literal,)*) => {
        $(
            #[doc = $description]
            pub struct $name;

            impl<'r> ToResponse<'r> for $name {
                fn response() -> (&'r str, RefOr<Response>) {
                    (stringify!($name), RefOr::T(problem_response($description)))
                }
            }
        )*
    };
}

problem_responses! {
    BadRequest => "Malformed input: JSON that does not parse, a parameter of the wrong shape (`bad-request`).",
    Unauthenticated => "No valid `Authorization: Bearer` token: missing, malformed, expired or revoked; the session cookie alone is not accepted (`unauthenticated`).",
    Forbidden => "The account may not do this (an official's account on the applicant's API) (`forbidden`).",
    NotFound => "No such resource, or it is not yours (`not-found`).",
    Conflict => "The resource's state does not allow this now: a procedure not offered online, a dossier's stage, someone acted first (`conflict`).",
    PayloadTooLarge => "The body or the file is larger than accepted (`payload-too-large`).",
    UnsupportedMediaType => "Wrong `Content-Type` (`unsupported-media-type`).",
    InvalidInput => "Well-formed input with wrong content: `errors` lists every input with a problem (`invalid-input`).",
    TooManyRequests => "Too many failed attempts; `Retry-After` says when to try again (`too-many-requests`).",
    Unavailable => "A dependency (database, storage) cannot be reached (`unavailable`).",
}

/// Who an account belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AccountKind {
    Citizen,
    Business,
    Official,
}

impl From<UserKind> for AccountKind {
    fn from(kind: UserKind) -> Self {
        match kind {
            UserKind::Citizen => AccountKind::Citizen,
            UserKind::Business => AccountKind::Business,
            UserKind::Official => AccountKind::Official,
        }
    }
}

/// The language messages to a person are written in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Vietnamese (the default).
    #[default]
    Vi,
    /// English.
    En,
}

impl From<Language> for Lang {
    fn from(language: Language) -> Self {
        match language {
            Language::Vi => Lang::Vi,
            Language::En => Lang::En,
        }
    }
}

/// An account, as its owner sees it (never its password hash).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Account {
    #[schema(format = Uuid)]
    pub id: String,
    pub kind: AccountKind,
    /// A person's full name, or a business's name.
    pub full_name: String,
    pub email: Option<String>,
    /// Today's national form (`0912345678`).
    pub phone: Option<String>,
    /// The personal identification number (CCCD) or a business's tax code.
    pub identity: Option<String>,
    /// A business's legal representative.
    pub representative: Option<String>,
    /// `vi` or `en`.
    pub language: String,
    /// When the account proved its e-mail address.
    pub email_verified_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<&User> for Account {
    fn from(user: &User) -> Self {
        Account {
            id: user.id.to_string(),
            kind: user.kind.into(),
            full_name: user.full_name.clone(),
            email: user.email.clone(),
            phone: user.phone.clone(),
            identity: user.identity_number.clone(),
            representative: user.representative.clone(),
            language: user.language.clone(),
            email_verified_at: user.email_verified_at,
            created_at: user.created_at,
        }
    }
}

/// How the applicant wants the result back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DeliveryChoice {
    /// Collected at the one-stop unit.
    Counter,
    /// Delivered by the public postal service (when the procedure allows).
    Post,
    /// Returned online (procedures offered fully online).
    Online,
}

impl From<Delivery> for DeliveryChoice {
    fn from(d: Delivery) -> Self {
        match d {
            Delivery::Counter => DeliveryChoice::Counter,
            Delivery::Post => DeliveryChoice::Post,
            Delivery::Online => DeliveryChoice::Online,
        }
    }
}

impl From<DeliveryChoice> for Delivery {
    fn from(d: DeliveryChoice) -> Self {
        match d {
            DeliveryChoice::Counter => Delivery::Counter,
            DeliveryChoice::Post => Delivery::Post,
            DeliveryChoice::Online => Delivery::Online,
        }
    }
}

/// How satisfied the applicant is (TT 32/2017 Art. 12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SatisfactionLevel {
    VerySatisfied,
    Satisfied,
    NotYetSatisfied,
}

impl From<Satisfaction> for SatisfactionLevel {
    fn from(s: Satisfaction) -> Self {
        match s {
            Satisfaction::VerySatisfied => SatisfactionLevel::VerySatisfied,
            Satisfaction::Satisfied => SatisfactionLevel::Satisfied,
            Satisfaction::NotYetSatisfied => SatisfactionLevel::NotYetSatisfied,
        }
    }
}

impl From<SatisfactionLevel> for Satisfaction {
    fn from(s: SatisfactionLevel) -> Self {
        match s {
            SatisfactionLevel::VerySatisfied => Satisfaction::VerySatisfied,
            SatisfactionLevel::Satisfied => Satisfaction::Satisfied,
            SatisfactionLevel::NotYetSatisfied => Satisfaction::NotYetSatisfied,
        }
    }
}

/// A string schema that takes one of `keys`.
fn keys_schema<'k>(description: &str, keys: impl IntoIterator<Item = &'k str>) -> Schema {
    Schema::Object(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(description))
            .enum_values(Some(keys))
            .build(),
    )
}

/// Declares a schema (`#/components/schemas/<Schema>`) for a string field
/// holding one of a domain enumeration's keys; fields use it with
/// `#[schema(value_type = Name)]`.
macro_rules! key_schemas {
    ($($name:ident as $schema:literal => ($description:literal, $keys:expr),)*) => {
        $(
            #[doc = $description]
            pub struct $name;

            impl PartialSchema for $name {
                fn schema() -> RefOr<Schema> {
                    RefOr::T(keys_schema($description, $keys))
                }
            }

            impl ToSchema for $name {
                fn name() -> Cow<'static, str> {
                    Cow::Borrowed($schema)
                }
            }
        )*
    };
}

key_schemas! {
    StageKey as "Stage" => (
        "Where a dossier is in its life.",
        Stage::ALL.iter().map(|s| s.key())
    ),
    ActionKey as "Action" => (
        "An action on a dossier's timeline.",
        ActionKind::ALL.iter().map(|a| a.key())
    ),
    OutcomeKey as "Outcome" => (
        "How a decided dossier ended.",
        ["granted", "refused"]
    ),
    RoleKey as "Role" => (
        "Who took an action (a role, never a person).",
        [
            "applicant",
            "reception-officer",
            "specialist",
            "approver",
            "return-officer",
            "postal-worker",
            "agency-admin",
            "system-admin",
            "system",
        ]
    ),
}

/// The bytes of a file (a raw body, a multipart part, a download).
pub struct Binary;

impl PartialSchema for Binary {
    fn schema() -> RefOr<Schema> {
        RefOr::T(Schema::Object(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                    utoipa::openapi::KnownFormat::Binary,
                )))
                .build(),
        ))
    }
}

impl ToSchema for Binary {}

/// The key a serde enum serialises to (the domain's enums are kebab-case).
pub fn serde_key<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use motcua_domain::lifecycle::{Outcome, Role};

    use super::*;

    #[test]
    fn the_key_schemas_list_every_key_the_domain_writes() {
        let keys = |schema: RefOr<Schema>| match schema {
            RefOr::T(Schema::Object(o)) => o
                .enum_values
                .unwrap_or_default()
                .into_iter()
                .map(|v| v.as_str().unwrap_or_default().to_owned())
                .collect::<Vec<_>>(),
            _ => Vec::new(),
        };
        for stage in Stage::ALL {
            assert!(keys(StageKey::schema()).contains(&serde_key(&stage)));
        }
        for action in ActionKind::ALL {
            assert!(keys(ActionKey::schema()).contains(&serde_key(&action)));
        }
        for outcome in [Outcome::Granted, Outcome::Refused] {
            assert!(keys(OutcomeKey::schema()).contains(&serde_key(&outcome)));
        }
        let roles = keys(RoleKey::schema());
        for role in [
            Role::Applicant,
            Role::ReceptionOfficer,
            Role::Specialist,
            Role::Approver,
            Role::ReturnOfficer,
            Role::PostalWorker,
            Role::AgencyAdmin,
            Role::SystemAdmin,
            Role::System,
        ] {
            assert!(roles.contains(&serde_key(&role)), "{role:?}");
            assert_eq!(serde_key(&role), role.key());
        }
    }
}
