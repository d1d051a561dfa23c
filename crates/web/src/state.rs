//! What every handler can reach: build facts, the use cases' services (the
//! store, the blob storage, the settings) and the authenticator.

use std::fmt;
use std::sync::Arc;

use motcua_app::Services;
use motcua_domain::statistics::CutOff;

use crate::auth::Authenticator;
use crate::error::WebError;
use crate::stats::StatsCache;

/// Facts about the running build, shown by `/healthz` and in the footer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuildInfo {
    /// The release version (`0.1.0`).
    pub version: &'static str,
}

impl BuildInfo {
    /// This crate's own version (the workspace shares one version).
    pub const fn from_crate() -> Self {
        BuildInfo {
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

impl Default for BuildInfo {
    fn default() -> Self {
        Self::from_crate()
    }
}

/// The state shared by every request. Cloning it is cheap (a few reference
/// counts): axum clones it for each request.
#[derive(Clone, Default)]
pub struct AppState {
    build: BuildInfo,
    province: Option<Arc<str>>,
    authenticator: Option<Arc<dyn Authenticator>>,
    services: Option<Arc<Services>>,
    /// The secret a postal operator signs its status pushes with; without
    /// one, pushes are not taken.
    postal_push_secret: Option<Arc<[u8]>>,
    /// The first day of a reporting month (ND 09/2019's 15th by default).
    report_cut_off: CutOff,
    /// Recent statistics, shared by the requests of every visitor.
    stats_cache: Arc<StatsCache>,
}

impl AppState {
    /// State with build facts only: no authenticator (every request is
    /// anonymous) and no province name (the header shows a placeholder).
    pub fn new(build: BuildInfo) -> Self {
        AppState {
            build,
            province: None,
            authenticator: None,
            services: None,
            postal_push_secret: None,
            report_cut_off: CutOff::default(),
            stats_cache: Arc::default(),
        }
    }

    /// Reporting months start on `cut_off` (the statistics pages).
    #[must_use]
    pub fn with_report_cut_off(mut self, cut_off: CutOff) -> Self {
        self.report_cut_off = cut_off;
        self
    }

    pub fn report_cut_off(&self) -> CutOff {
        self.report_cut_off
    }

    pub(crate) fn stats_cache(&self) -> Arc<StatsCache> {
        Arc::clone(&self.stats_cache)
    }

    /// Takes a postal operator's status pushes signed with `secret`.
    #[must_use]
    pub fn with_postal_push_secret(mut self, secret: &[u8]) -> Self {
        self.postal_push_secret = Some(Arc::from(secret));
        self
    }

    pub fn postal_push_secret(&self) -> Option<&[u8]> {
        self.postal_push_secret.as_deref()
    }

    /// The province (or office) shown in the page header.
    #[must_use]
    pub fn with_province_name(mut self, name: impl Into<Arc<str>>) -> Self {
        self.province = Some(name.into());
        self
    }

    /// The service that turns credentials into a user (the Store implements
    /// it). Without one, [`crate::CurrentUser`] is always anonymous.
    #[must_use]
    pub fn with_authenticator(mut self, authenticator: Arc<dyn Authenticator>) -> Self {
        self.authenticator = Some(authenticator);
        self
    }

    /// The store, the blob storage and the settings: the portal's pages and
    /// API need them (without, they answer 503). Also wires the session
    /// authenticator, so [`crate::CurrentUser`] knows who is signed in.
    #[must_use]
    pub fn with_services(mut self, services: Arc<Services>) -> Self {
        self.authenticator = Some(Arc::new(crate::visitor::SessionAuthenticator(
            services.clone(),
        )));
        self.services = Some(services);
        self
    }

    pub fn services(&self) -> Option<&Arc<Services>> {
        self.services.as_ref()
    }

    /// The services, or 503 when this state has none.
    pub fn require_services(&self) -> Result<&Services, WebError> {
        self.services
            .as_deref()
            .ok_or_else(|| WebError::Unavailable("no store is configured".into()))
    }

    pub fn build(&self) -> BuildInfo {
        self.build
    }

    pub fn province_name(&self) -> Option<&str> {
        self.province.as_deref()
    }

    pub fn authenticator(&self) -> Option<&Arc<dyn Authenticator>> {
        self.authenticator.as_ref()
    }
}

impl fmt::Debug for AppState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppState")
            .field("build", &self.build)
            .field("province", &self.province)
            .field("authenticator", &self.authenticator.is_some())
            .field("services", &self.services)
            // Never the secret.
            .field("postal_push_secret", &self.postal_push_secret.is_some())
            .finish()
    }
}
