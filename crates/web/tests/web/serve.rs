//! Serving on a real socket: a request in flight when shutdown starts is
//! still answered, then `serve` returns.

use std::time::Duration;

use axum::Router;
use axum::routing::get;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

use crate::state;

#[tokio::test]
async fn shutdown_finishes_the_request_in_flight() {
    let (started_tx, started_rx) = oneshot::channel::<()>();
    let started_tx = std::sync::Arc::new(std::sync::Mutex::new(Some(started_tx)));
    let routes = Router::new().route(
        "/api/slow",
        get(move || {
            if let Some(tx) = started_tx.lock().unwrap().take() {
                let _ = tx.send(());
            }
            async {
                tokio::time::sleep(Duration::from_millis(300)).await;
                "done"
            }
        }),
    );
    let app = motcua_web::with_conventions(routes, state());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let server = tokio::spawn(motcua_web::serve_app(listener, app, async {
        let _ = stop_rx.await;
    }));

    let client = tokio::spawn(async move {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream
            .write_all(b"GET /api/slow HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).await.unwrap();
        response
    });

    // Shut down while the handler is still sleeping.
    started_rx.await.unwrap();
    stop_tx.send(()).unwrap();

    let response = tokio::time::timeout(Duration::from_secs(10), client)
        .await
        .unwrap()
        .unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with("done"), "{response}");
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    // Nobody is listening any more.
    assert!(TcpStream::connect(addr).await.is_err());
}
