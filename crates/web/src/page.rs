//! What every HTML page needs besides its own content: the language and its
//! words, where the page is (for the language switch), the header and footer
//! facts. Templates take a [`PageCtx`] and ask it for every word.

use std::convert::Infallible;
use std::fmt;
use std::sync::Arc;

use askama::Template;
use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::header::{CACHE_CONTROL, CONTENT_LANGUAGE, CONTENT_TYPE, VARY};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use motcua_i18n::{Arg, Lang};

use crate::error::WebError;
use crate::lang::{negotiate, switch_href};
use crate::state::AppState;

/// The page-wide context handed to every template (also an extractor).
#[derive(Debug, Clone)]
pub struct PageCtx {
    lang: Lang,
    here: String,
    province: Option<Arc<str>>,
    version: &'static str,
    /// This browser's CSRF token, for the forms of the page.
    csrf: String,
    /// The signed-in person's name, for the header.
    user_name: Option<String>,
    /// The signed-in person is an official (the header leads to the back
    /// office instead of the applicant's dossiers).
    official: bool,
}

/// One entry of the language switch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageLink {
    /// `vi`, `en`: for `lang` and `hreflang`.
    pub tag: &'static str,
    /// The language's own name (`Tiếng Việt`, `English`).
    pub name: &'static str,
    /// The switch URL that comes back to the current page.
    pub href: String,
    /// Whether this is the page's language.
    pub current: bool,
}

impl PageCtx {
    /// The context of a page in `lang` at `here` (path and query).
    pub fn new(lang: Lang, here: impl Into<String>, state: &AppState) -> Self {
        PageCtx {
            lang,
            here: here.into(),
            province: state.province_name().map(Arc::from),
            version: state.build().version,
            csrf: String::new(),
            user_name: None,
            official: false,
        }
    }

    /// The context of a request (language negotiated from its headers).
    pub fn from_request(headers: &HeaderMap, uri: &Uri, state: &AppState) -> Self {
        let here = uri
            .path_and_query()
            .map_or_else(|| "/".to_owned(), |pq| pq.as_str().to_owned());
        Self::new(negotiate(headers), here, state)
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// For `<html lang="…">`.
    pub fn lang_tag(&self) -> &'static str {
        self.lang.tag()
    }

    /// The text of `key` in the page's language.
    pub fn t(&self, key: &str) -> String {
        self.lang.tr(key)
    }

    /// The text of `key` with one argument.
    pub fn t1(&self, key: &str, name: &'static str, value: impl fmt::Display) -> String {
        self.lang
            .tr_args(key, &[(name, Arg::from(value.to_string()))])
    }

    /// The province or office name for the header, or a placeholder until
    /// one is configured.
    pub fn province(&self) -> String {
        match &self.province {
            Some(name) => name.to_string(),
            None => self.t("web-province-placeholder"),
        }
    }

    /// The value of every form's hidden `_csrf` input.
    pub fn csrf(&self) -> &str {
        &self.csrf
    }

    /// The name field of the CSRF input.
    pub fn csrf_field(&self) -> &'static str {
        crate::csrf::FIELD
    }

    /// Whether someone is signed in.
    pub fn signed_in(&self) -> bool {
        self.user_name.is_some()
    }

    /// Whether the signed-in person is an official.
    pub fn official(&self) -> bool {
        self.official
    }

    /// The signed-in person's name ("" when nobody is).
    pub fn user_name(&self) -> &str {
        self.user_name.as_deref().unwrap_or("")
    }

    /// The path (and query) of this page.
    pub fn here(&self) -> &str {
        &self.here
    }

    /// A date as dd/mm/yyyy.
    pub fn date(&self, date: &chrono::NaiveDate) -> String {
        date.format("%d/%m/%Y").to_string()
    }

    /// An instant in Vietnam's time, `HH:MM dd/mm/yyyy`.
    pub fn instant(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        motcua_domain::calendar::to_local(*at)
            .format("%H:%M %d/%m/%Y")
            .to_string()
    }

    /// A message of the domain or the use cases, in the page's language.
    pub fn say(&self, message: &dyn motcua_domain::message::Message) -> String {
        self.lang.describe(message)
    }

    pub fn version(&self) -> &'static str {
        self.version
    }

    /// The stylesheet URL (versioned by content hash).
    pub fn css_href(&self) -> &'static str {
        crate::assets::css_path()
    }

    /// The htmx URL (versioned by content hash), for the pages that use it.
    pub fn htmx_href(&self) -> &'static str {
        crate::assets::htmx_path()
    }

    /// The language switch: every language, the current one marked.
    pub fn language_links(&self) -> Vec<LanguageLink> {
        Lang::ALL
            .iter()
            .map(|&lang| LanguageLink {
                tag: lang.tag(),
                name: lang.native_name(),
                href: switch_href(lang, &self.here),
                current: lang == self.lang,
            })
            .collect()
    }
}

impl FromRequestParts<AppState> for PageCtx {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // Inside a nested router `parts.uri` lost its prefix; the original
        // is what the browser must come back to.
        let uri = parts
            .extensions
            .get::<OriginalUri>()
            .map_or(&parts.uri, |original| &original.0);
        let mut ctx = PageCtx::from_request(&parts.headers, uri, state);
        if let Some(token) = parts.extensions.get::<crate::csrf::CsrfToken>() {
            ctx.csrf = token.0.clone();
        }
        // Who is signed in is only shown; a failure to find out leaves the
        // header anonymous rather than failing the page.
        if let Ok(visitor) =
            <crate::visitor::Visitor as FromRequestParts<AppState>>::from_request_parts(
                parts, state,
            )
            .await
        {
            ctx.user_name = visitor.user().map(|u| u.full_name.clone());
            ctx.official = visitor
                .user()
                .is_some_and(|u| u.kind == motcua_store::UserKind::Official);
        }
        Ok(ctx)
    }
}

/// Renders a page template into a response with the headers every page
/// carries (type, language, `Vary` on what chose the language).
pub fn render<T: Template>(
    lang: Lang,
    status: StatusCode,
    template: &T,
) -> Result<Response, WebError> {
    let body = template.render().map_err(WebError::internal)?;
    Ok(html_response(lang, status, body))
}

pub(crate) fn html_response(lang: Lang, status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(CONTENT_LANGUAGE, HeaderValue::from_static(lang.tag()));
    headers.insert(VARY, HeaderValue::from_static("cookie, accept-language"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    response
}
