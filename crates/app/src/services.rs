//! What every use case works on: the store, the blob storage and the
//! deployment's settings.

use std::sync::Arc;

use motcua_blobs::BlobStore;
use motcua_domain::printout::Renderer;
use motcua_store::Store;

use crate::memo::Memo;
use crate::payments::PaymentProvider;

/// The deployment's settings the use cases need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Where the portal is reached from outside, without a trailing slash
    /// (`https://dichvucong.dongthap.gov.vn`): links in e-mails start here.
    pub public_url: String,
    /// The name shown on receipts and in e-mails.
    pub province_name: String,
}

impl Settings {
    /// An absolute link to `path` (which starts with `/`).
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.public_url.trim_end_matches('/'))
    }
}

/// The store, the blob storage and the settings, shared by every request.
#[derive(Clone)]
pub struct Services {
    pub store: Arc<dyn Store>,
    pub blobs: Arc<dyn BlobStore>,
    pub settings: Settings,
    /// Draws the legal forms as PDF and XLSX (`motcua-reports` in the
    /// binary; [`NoRenderer`](motcua_domain::printout::NoRenderer) where the
    /// engine is not compiled in).
    pub renderer: Arc<dyn Renderer>,
    /// Takes fees online: the built-in sandbox unless the gateway is
    /// configured ([`crate::payments::VnPay`]).
    pub payments: Arc<dyn PaymentProvider>,
    /// What is kept between requests ([`Memo`]); `Memo::default()` to start.
    pub memo: Memo,
}

impl std::fmt::Debug for Services {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Services")
            .field("engine", &self.store.engine().name())
            .field("blobs", &self.blobs)
            .field("settings", &self.settings)
            .field("payments", &self.payments.name())
            .finish()
    }
}
