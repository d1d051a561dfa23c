//! The messages an applicant receives about their dossier, written in their
//! language and queued in the outbox (e-mail to a known address, a text
//! message to a known phone). Each is queued under a key naming the dossier
//! and the event, so however often the change is retried, one message goes.

use chrono::{DateTime, NaiveDate, Utc};
use motcua_domain::catalog::Procedure;
use motcua_domain::lifecycle::Stage;
use motcua_domain::message::MessageArg;
use motcua_domain::phone::{self, Recorded};
use motcua_i18n::{Arg, Lang};
use motcua_store::{DossierRecord, NewJob, User};

use crate::accounts::language_of;
use crate::outbox::{EmailMessage, SmsMessage};
use crate::{AppError, Services};

/// The name of a procedure in `lang`.
pub fn procedure_name(procedure: &Procedure, lang: Lang) -> String {
    match (lang, &procedure.name_en) {
        (Lang::En, Some(en)) => en.clone(),
        _ => procedure.name.clone(),
    }
}

fn job_error(e: serde_json::Error) -> AppError {
    AppError::Internal(e.to_string())
}

/// The public look-up page, for messages.
fn track_link(svc: &Services, dossier: &DossierRecord) -> String {
    svc.settings
        .link(&format!("/tra-cuu?ma={}", dossier.code.as_str()))
}

/// Queues the confirmation of a submission: an e-mail with the code, the
/// PIN and the estimate, and a text message when the account has a phone.
pub async fn submitted(
    svc: &Services,
    user: &User,
    dossier: &DossierRecord,
    procedure: &Procedure,
    pin: &str,
    estimate: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let lang = language_of(user);
    let code = dossier.code.as_str().to_owned();
    let estimate = estimate.map_or_else(|| "—".to_owned(), |d| d.format("%d/%m/%Y").to_string());
    let mut jobs: Vec<NewJob> = Vec::new();
    if let Some(to) = &dossier.applicant.email {
        let entered = lang.arg(&MessageArg::Instant(dossier.state.entered_at));
        let message = EmailMessage {
            to: to.clone(),
            subject: lang.tr_args(
                "mail-submitted-subject",
                &[("code", Arg::from(code.clone()))],
            ),
            text: lang.tr_args(
                "mail-submitted-body",
                &[
                    ("name", Arg::from(dossier.applicant.name.clone())),
                    ("province", Arg::from(svc.settings.province_name.clone())),
                    ("procedure", Arg::from(procedure_name(procedure, lang))),
                    ("code", Arg::from(code.clone())),
                    ("pin", Arg::from(pin)),
                    ("entered", entered),
                    ("estimate", Arg::from(estimate.clone())),
                    ("link", Arg::from(track_link(svc, dossier))),
                ],
            ),
        };
        jobs.push(
            message
                .job(format!("dossier:{}:submitted:email", dossier.id), now)
                .map_err(job_error)?,
        );
    }
    if let Some(to) = sms_number(dossier.applicant.phone.as_deref()) {
        let message = SmsMessage {
            to,
            text: lang.tr_args(
                "sms-submitted",
                &[
                    ("code", Arg::from(code.clone())),
                    ("pin", Arg::from(pin)),
                    ("estimate", Arg::from(estimate)),
                ],
            ),
        };
        jobs.push(
            message
                .job(format!("dossier:{}:submitted:sms", dossier.id), now)
                .map_err(job_error)?,
        );
    }
    for job in jobs {
        svc.store.enqueue(job).await?;
    }
    Ok(())
}

/// A phone number in E.164 for a text message, if it is a mobile number.
fn sms_number(phone: Option<&str>) -> Option<String> {
    let number = phone::normalize(phone?, Recorded::Unknown).ok()?;
    matches!(number.kind(), phone::Kind::Mobile).then(|| number.e164().to_owned())
}

/// Queues the notice of a change the applicant should know about (the
/// dossier accepted, a supplement asked for, the result ready, …): the
/// stage it is now in and, when the officer wrote one, the reason.
pub async fn stage_changed(
    svc: &Services,
    dossier: &DossierRecord,
    procedure: &Procedure,
    event_seq: u32,
    detail: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let lang = Addressee::of_dossier(svc, dossier).await?.lang;
    let code = dossier.code.as_str().to_owned();
    let stage = stage_name(dossier.state.stage, lang);
    let mut jobs = Vec::new();
    if let Some(to) = &dossier.applicant.email {
        let message = EmailMessage {
            to: to.clone(),
            subject: lang.tr_args(
                "mail-status-subject",
                &[
                    ("code", Arg::from(code.clone())),
                    ("stage", Arg::from(stage.clone())),
                ],
            ),
            text: lang.tr_args(
                "mail-status-body",
                &[
                    ("name", Arg::from(dossier.applicant.name.clone())),
                    ("code", Arg::from(code.clone())),
                    ("procedure", Arg::from(procedure_name(procedure, lang))),
                    ("stage", Arg::from(stage.clone())),
                    ("detail", Arg::from(detail.unwrap_or(""))),
                    (
                        "link",
                        Arg::from(svc.settings.link(&format!("/ho-so/{}", dossier.id))),
                    ),
                ],
            ),
        };
        jobs.push(
            message
                .job(
                    format!("dossier:{}:event:{event_seq}:email", dossier.id),
                    now,
                )
                .map_err(job_error)?,
        );
    }
    if let Some(to) = sms_number(dossier.applicant.phone.as_deref()) {
        let message = SmsMessage {
            to,
            text: lang.tr_args(
                "sms-status",
                &[("code", Arg::from(code)), ("stage", Arg::from(stage))],
            ),
        };
        jobs.push(
            message
                .job(format!("dossier:{}:event:{event_seq}:sms", dossier.id), now)
                .map_err(job_error)?,
        );
    }
    for job in jobs {
        svc.store.enqueue(job).await?;
    }
    Ok(())
}

/// A stage as the applicant reads it.
pub fn stage_name(stage: Stage, lang: Lang) -> String {
    lang.tr(&format!("stage-{}", stage.key()))
}

/// Who hears of the post's work on a dossier: its applicant.
#[derive(Debug, Clone)]
pub struct Addressee {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub lang: Lang,
}

impl Addressee {
    /// The owner of an account (a draft's applicant, before it is a
    /// dossier).
    pub fn of_user(user: &User) -> Addressee {
        Addressee {
            name: user.full_name.clone(),
            email: user.email.clone(),
            phone: user.phone.clone(),
            lang: language_of(user),
        }
    }

    /// A dossier's applicant, with the contacts the dossier holds.
    pub async fn of_dossier(
        svc: &Services,
        dossier: &DossierRecord,
    ) -> Result<Addressee, AppError> {
        let lang = match dossier.applicant.user {
            Some(user) => match svc.store.user(user).await? {
                Some(user) => language_of(&user),
                None => Lang::default(),
            },
            None => Lang::default(),
        };
        Ok(Addressee {
            name: dossier.applicant.name.clone(),
            email: dossier.applicant.email.clone(),
            phone: dossier.applicant.phone.clone(),
            lang,
        })
    }
}

/// Queues the news of a step of the post (the papers collected, the result
/// handed to the post, a delivery attempt that failed, …): `label` names
/// the dossier (its code, or the procedure before it has one), `status` is
/// the consignment's new status key, `detail` what to add; `key` names the
/// step, so a retried step sends one message.
pub async fn post_news(
    svc: &Services,
    to: &Addressee,
    label: &str,
    status: &str,
    detail: &str,
    key: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let lang = to.lang;
    let status = lang.tr(&format!("consignment-status-{status}"));
    let mut jobs = Vec::new();
    if let Some(email) = &to.email {
        let message = EmailMessage {
            to: email.clone(),
            subject: lang.tr_args(
                "mail-post-subject",
                &[
                    ("label", Arg::from(label)),
                    ("status", Arg::from(status.clone())),
                ],
            ),
            text: lang.tr_args(
                "mail-post-body",
                &[
                    ("name", Arg::from(to.name.clone())),
                    ("label", Arg::from(label)),
                    ("status", Arg::from(status.clone())),
                    ("detail", Arg::from(detail)),
                    ("link", Arg::from(svc.settings.link("/ho-so"))),
                ],
            ),
        };
        jobs.push(
            message
                .job(format!("{key}:email"), now)
                .map_err(job_error)?,
        );
    }
    if let Some(phone) = sms_number(to.phone.as_deref()) {
        let message = SmsMessage {
            to: phone,
            text: lang.tr_args(
                "sms-post",
                &[("label", Arg::from(label)), ("status", Arg::from(status))],
            ),
        };
        jobs.push(message.job(format!("{key}:sms"), now).map_err(job_error)?);
    }
    for job in jobs {
        svc.store.enqueue(job).await?;
    }
    Ok(())
}
