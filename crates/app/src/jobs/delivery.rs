//! The handlers of the outbox's notification jobs: they read the message
//! from the job's payload and give it to the transport the binary chose.
//! A payload that does not parse will never parse: a permanent failure,
//! dead-lettered at once.

use std::sync::Arc;

use motcua_store::Job;
use serde::de::DeserializeOwned;

use super::{JobError, JobHandler};
use crate::outbox::{EmailMessage, Mailer, SmsMessage, SmsSender};

/// Runs `email.send` jobs through a [`Mailer`].
pub struct EmailHandler(pub Arc<dyn Mailer>);

/// Runs `sms.send` jobs through an [`SmsSender`].
pub struct SmsHandler(pub Arc<dyn SmsSender>);

fn payload<T: DeserializeOwned>(job: &Job, what: &str) -> Result<T, JobError> {
    T::deserialize(&job.payload)
        .map_err(|e| JobError::Permanent(format!("the payload is not {what}: {e}")))
}

#[async_trait::async_trait]
impl JobHandler for EmailHandler {
    async fn run(&self, job: &Job) -> Result<(), JobError> {
        let message: EmailMessage = payload(job, "an e-mail message")?;
        self.0.send(&message).await.map_err(JobError::from)
    }
}

#[async_trait::async_trait]
impl JobHandler for SmsHandler {
    async fn run(&self, job: &Job) -> Result<(), JobError> {
        let message: SmsMessage = payload(job, "a text message")?;
        self.0.send(&message).await.map_err(JobError::from)
    }
}
