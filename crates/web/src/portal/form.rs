//! Form pages: problems shown next to their inputs and summarised at the
//! top (each linking to its input), in the visitor's language.

use std::collections::BTreeMap;

use motcua_app::AppError;
use motcua_domain::forms::FieldProblem;
use motcua_i18n::Lang;

use crate::error::WebError;

/// The problems of a submitted form.
#[derive(Debug, Clone, Default)]
pub struct Errors {
    /// (input name, message), in the order found.
    items: Vec<(String, String)>,
    /// A problem with the form as a whole (a wrong password).
    general: Option<String>,
}

impl Errors {
    pub fn none() -> Self {
        Errors::default()
    }

    pub fn from_problems(lang: Lang, problems: &[FieldProblem]) -> Self {
        Errors {
            items: problems
                .iter()
                .map(|p| (p.field.clone(), lang.describe(p)))
                .collect(),
            general: None,
        }
    }

    pub fn general(message: String) -> Self {
        Errors {
            items: Vec::new(),
            general: Some(message),
        }
    }

    /// One message said at input `field` (a refusal that concerns one
    /// input, worded by the rule that refused it).
    pub fn at(field: String, message: String) -> Self {
        Errors {
            items: vec![(field, message)],
            general: None,
        }
    }

    /// The message for input `field`, if it has a problem.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.items
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn has(&self, field: &str) -> bool {
        self.get(field).is_some()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && self.general.is_none()
    }

    /// The summary's entries: (the id of the input to jump to, message).
    pub fn summary(&self) -> Vec<(String, String)> {
        let mut seen = BTreeMap::new();
        for (field, message) in &self.items {
            seen.entry(input_id(field))
                .or_insert_with(|| message.clone());
        }
        let mut out: Vec<(String, String)> = Vec::new();
        for (field, _) in &self.items {
            let id = input_id(field);
            if let Some(message) = seen.remove(&id) {
                out.push((id, message));
            }
        }
        out
    }

    pub fn general_message(&self) -> Option<&str> {
        self.general.as_deref()
    }
}

/// The HTML id of an input named `name` (`home.commune` → `home-commune`).
pub fn input_id(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// What a form handler does with a use case's refusal: the problems of
/// the form are shown on the page (`Ok`), anything else is an error page.
pub fn errors_or(lang: Lang, err: AppError) -> Result<Errors, WebError> {
    match err {
        AppError::Invalid(problems) => Ok(Errors::from_problems(lang, &problems)),
        AppError::BadCredentials
        | AppError::Disabled
        | AppError::Throttled { .. }
        | AppError::BadLink => Ok(Errors::general(lang.describe(&err))),
        other => Err(other.into()),
    }
}
