//! The endpoint × role table, tested from the table itself.

use axum::body::Body;
use axum::http::Request;
use motcua_web::policy::{Access, ENDPOINTS};

use super::{Browser, portal};

/// A concrete path for a route pattern.
fn concrete(path: &str) -> String {
    path.replace("{code}", "2.000815")
        .replace("{id}", "01890000-0000-7000-8000-000000000000")
        .replace("{index}", "0")
        .replace("{attachment}", "01890000-0000-7000-8000-000000000001")
        .replace("{file}", "x.css")
}

#[tokio::test]
async fn every_endpoint_admits_exactly_whom_the_table_says() {
    let portal = portal().await;
    let mut anonymous = Browser::new(&portal);
    let mut citizen = Browser::new(&portal);
    citizen.sign_in("an@demo.motcua.vn").await;
    let mut official = Browser::new(&portal);
    official.sign_in("tiepnhan@demo.motcua.vn").await;
    // The API's rows take Bearer tokens, not cookies: `api::policy` tests them.
    for endpoint in ENDPOINTS.iter().filter(|e| !e.path.starts_with("/api/")) {
        let path = concrete(endpoint.path);
        let request = || {
            Request::builder()
                .method(endpoint.method)
                .uri(path.as_str())
        };
        let anon = anonymous.request(request(), Body::empty()).await;
        let signed = citizen.request(request(), Body::empty()).await;
        let staff = official.request(request(), Body::empty()).await;
        let what = format!("{} {}", endpoint.method, endpoint.path);
        assert_ne!(anon.status, 405, "{what} is routed");
        match endpoint.access {
            Access::Public => {
                assert_ne!(anon.status, 401, "{what}");
                assert!(
                    !anon
                        .headers
                        .get("location")
                        .is_some_and(|l| l.to_str().unwrap().starts_with("/dang-nhap?")),
                    "{what}"
                );
            }
            // A fee receipt: for its payer or an official who sees the
            // dossier, each decided by the use case.
            Access::Account => {
                assert_eq!(anon.status, 303, "{what}");
                assert!(
                    anon.header("location").starts_with("/dang-nhap?tiep="),
                    "{what}"
                );
                for (who, reply) in [("a citizen", &signed), ("an official", &staff)] {
                    assert!(
                        reply.status != 401 && reply.status != 403,
                        "{what}: {who}: {}",
                        reply.status
                    );
                }
            }
            Access::Official => {
                if endpoint.method == "GET" {
                    assert_eq!(anon.status, 303, "{what}");
                    assert!(
                        anon.header("location").starts_with("/dang-nhap?tiep="),
                        "{what}"
                    );
                } else {
                    assert_eq!(anon.status, 401, "{what}");
                }
                assert_eq!(signed.status, 403, "{what}: a citizen");
                assert!(
                    staff.status != 401 && staff.status != 403,
                    "{what}: {}",
                    staff.status
                );
            }
            Access::Applicant => {
                assert_eq!(staff.status, 403, "{what}: an official");
                if endpoint.method == "GET" {
                    assert_eq!(anon.status, 303, "{what}");
                    assert!(
                        anon.header("location").starts_with("/dang-nhap?tiep="),
                        "{what}"
                    );
                } else {
                    assert_eq!(anon.status, 401, "{what}");
                }
                let to_sign_in = signed
                    .headers
                    .get("location")
                    .is_some_and(|l| l.to_str().unwrap().starts_with("/dang-nhap"));
                assert!(
                    signed.status != 401 && signed.status != 403 && !to_sign_in,
                    "{what}: {}",
                    signed.status
                );
            }
        }
    }
}
