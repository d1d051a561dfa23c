//! What the portal's values look like once stored, the same on every
//! engine: text in NFC, NUL characters refused, instants truncated to
//! microseconds, blanks absent. The engines call these before they write, so
//! what a store call returns is what a later read gives back.

use motcua_domain::forms::FormValues;
use motcua_domain::text::nfc;
use serde_json::Value;

use crate::error::{StoreError, StoreResult, refuse_nul, refuse_nul_json};
use crate::hash::micros;
use crate::model::{
    Applicant, Draft, DraftFile, FeeAccount, NewPayment, PaymentItem, Rating, User,
};

/// NFC, trimmed; blank is absent.
pub fn optional_text(value: Option<&str>) -> StoreResult<Option<String>> {
    let Some(value) = value else { return Ok(None) };
    refuse_nul([value])?;
    let value = nfc(value.trim()).into_owned();
    Ok((!value.is_empty()).then_some(value))
}

/// An account's language: one of [`User::LANGUAGES`], the default when
/// blank.
pub fn language(value: &str) -> StoreResult<String> {
    let value = value.trim().to_ascii_lowercase();
    if value.is_empty() {
        return Ok(User::DEFAULT_LANGUAGE.to_owned());
    }
    if User::LANGUAGES.contains(&value.as_str()) {
        Ok(value)
    } else {
        Err(StoreError::invalid(format!(
            "language `{value}` is not one of {}",
            User::LANGUAGES.join(", ")
        )))
    }
}

/// Every string and key of a JSON value in NFC, NULs refused.
fn nfc_json(value: Value) -> StoreResult<Value> {
    refuse_nul_json(&value)?;
    Ok(match value {
        Value::String(s) => Value::String(nfc(&s).into_owned()),
        Value::Array(items) => {
            Value::Array(items.into_iter().map(nfc_json).collect::<Result<_, _>>()?)
        }
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| Ok((nfc(&k).into_owned(), nfc_json(v)?)))
                .collect::<StoreResult<_>>()?,
        ),
        other => other,
    })
}

/// A filled form as stored: every text in NFC, NULs refused. (The values
/// were checked by `domain::forms::fill`; an address is checked again as it
/// is read.)
pub fn form(form: &FormValues) -> StoreResult<FormValues> {
    if form.is_empty() {
        return Ok(FormValues::default());
    }
    let value = serde_json::to_value(form)
        .map_err(|e| StoreError::invalid(format!("the form cannot be encoded: {e}")))?;
    serde_json::from_value(nfc_json(value)?)
        .map_err(|e| StoreError::invalid(format!("the form: {e}")))
}

/// A key of the failure counters: NFC, NULs refused, not blank.
pub fn failure_key(key: &str) -> StoreResult<String> {
    refuse_nul([key])?;
    let key = nfc(key).into_owned();
    if key.trim().is_empty() {
        return Err(StoreError::invalid("a failure counter needs a key"));
    }
    Ok(key)
}

fn draft_file(f: &DraftFile) -> StoreResult<DraftFile> {
    refuse_nul([
        f.field.as_str(),
        f.file_name.as_str(),
        f.media_type.as_str(),
        f.blob_key.as_str(),
    ])?;
    Ok(DraftFile {
        field: nfc(f.field.trim()).into_owned(),
        file_name: nfc(f.file_name.trim()).into_owned(),
        media_type: f.media_type.trim().to_ascii_lowercase(),
        size: f.size,
        sha256: f.sha256,
        blob_key: f.blob_key.clone(),
    })
}

/// A draft as stored: inputs kept as typed (only put in NFC), file names
/// and fields in NFC and trimmed, instants to the microsecond.
pub fn draft(d: &Draft) -> StoreResult<Draft> {
    refuse_nul(
        [d.procedure_code.as_str(), d.pin.as_str()]
            .into_iter()
            .chain(d.inputs.iter().flat_map(|(k, v)| [k.as_str(), v.as_str()])),
    )?;
    Ok(Draft {
        id: d.id,
        user: d.user,
        procedure_code: nfc(d.procedure_code.trim()).into_owned(),
        inputs: d
            .inputs
            .iter()
            .map(|(k, v)| (nfc(k).into_owned(), nfc(v).into_owned()))
            .collect(),
        files: d.files.iter().map(draft_file).collect::<StoreResult<_>>()?,
        delivery: d.delivery,
        pin: d.pin.clone(),
        created_at: micros(d.created_at),
        updated_at: micros(d.updated_at),
    })
}

/// A rating as stored: its comment in NFC, trimmed, blank absent.
pub fn rating(r: &Rating) -> StoreResult<Rating> {
    Ok(Rating {
        comment: optional_text(r.comment.as_deref())?,
        rated_at: micros(r.rated_at),
        ..r.clone()
    })
}

/// An applicant as stored: every text trimmed and in NFC, a blank one
/// none, the e-mail address in lower case.
pub fn applicant(a: Applicant) -> Applicant {
    let clean = |v: Option<String>| {
        v.map(|s| nfc(s.trim()).into_owned())
            .filter(|s| !s.is_empty())
    };
    Applicant {
        user: a.user,
        name: nfc(a.name.trim()).into_owned(),
        identity_number: clean(a.identity_number),
        phone: clean(a.phone),
        email: clean(a.email).map(|e| e.to_lowercase()),
        address: clean(a.address),
    }
}

/// Required text: NFC, trimmed, not blank.
fn required_text(value: &str, what: &str) -> StoreResult<String> {
    optional_text(Some(value))?.ok_or_else(|| StoreError::invalid(format!("{what} is empty")))
}

/// A fee account as stored: every text required and in NFC.
pub fn fee_account(a: &FeeAccount) -> StoreResult<FeeAccount> {
    Ok(FeeAccount {
        agency: a.agency,
        number: required_text(&a.number, "the account number")?,
        holder: required_text(&a.holder, "the account holder")?,
        treasury: required_text(&a.treasury, "the treasury")?,
        receipt_symbol: required_text(&a.receipt_symbol, "the receipt symbol")?,
    })
}

/// A payment as stored: a reference of letters and digits, at least one
/// item, the amount the sum of the items', fee names in NFC.
pub fn payment(p: NewPayment) -> StoreResult<NewPayment> {
    if p.reference.is_empty()
        || p.reference.len() > 64
        || !p.reference.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return Err(StoreError::invalid(
            "a payment reference is 1 to 64 letters and digits",
        ));
    }
    if p.items.is_empty() {
        return Err(StoreError::invalid("a payment covers at least one fee"));
    }
    let items = p
        .items
        .into_iter()
        .map(|i| {
            Ok(PaymentItem {
                fee: required_text(&i.fee, "a fee's name")?,
                ..i
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    let sum = items
        .iter()
        .try_fold(0u64, |sum, i| sum.checked_add(i.amount_vnd));
    if sum != Some(p.amount_vnd) || p.amount_vnd == 0 {
        return Err(StoreError::invalid(
            "a payment's amount is the sum of its items, above 0",
        ));
    }
    Ok(NewPayment {
        items,
        provider: required_text(&p.provider, "the provider")?,
        created_at: micros(p.created_at),
        ..p
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use motcua_domain::forms::FieldValue;

    #[test]
    fn forms_are_nfc_and_refuse_nul() {
        let mut values = std::collections::BTreeMap::new();
        values.insert(
            "ho_ten".to_owned(),
            FieldValue::Text("Nguye\u{302}\u{303}n".into()),
        );
        let cleaned = form(&FormValues(values.clone())).unwrap();
        assert_eq!(
            cleaned.get("ho_ten"),
            Some(&FieldValue::Text("Nguyễn".into()))
        );
        values.insert("x".to_owned(), FieldValue::Text("a\0b".into()));
        assert!(matches!(
            form(&FormValues(values)),
            Err(StoreError::Invalid { .. })
        ));
    }

    #[test]
    fn languages_are_known_ones() {
        assert_eq!(language(" EN ").unwrap(), "en");
        assert_eq!(language("").unwrap(), "vi");
        assert!(language("fr").is_err());
    }
}
