//! What the carrier fakes (`ghn_fake`, `ghtk_fake`) share: listening on 127.0.0.1:0, and a gate
//! in front of every route that counts requests, can make the carrier slow or failing, and
//! refuses a wrong `Token` header in the carrier's own shape.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    Router,
    extract::{Request, State},
    middleware::{self, Next},
    response::Response,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Behaviour {
    #[default]
    Normal,
    /// Sleeps 3 s before answering (the adapters give up after 2 s).
    Slow,
    /// Answers as the carrier does when it fails (a 5xx).
    Failing,
}

#[derive(Clone)]
pub struct Gate {
    state: Arc<Mutex<(Behaviour, usize)>>,
    token: &'static str,
    /// The carrier's answer to a wrong token, and when it fails.
    refused: fn() -> Response,
    failed: fn() -> Response,
}

async fn guard(State(gate): State<Gate>, request: Request, next: Next) -> Response {
    let behaviour = {
        let mut state = gate.state.lock().unwrap();
        state.1 += 1;
        state.0
    };
    match behaviour {
        Behaviour::Slow => tokio::time::sleep(Duration::from_secs(3)).await,
        Behaviour::Failing => return (gate.failed)(),
        Behaviour::Normal => {}
    }
    let token = request.headers().get("token").and_then(|v| v.to_str().ok());
    if token != Some(gate.token) {
        return (gate.refused)();
    }
    next.run(request).await
}

impl Gate {
    pub fn new(token: &'static str, refused: fn() -> Response, failed: fn() -> Response) -> Gate {
        Gate {
            state: Arc::default(),
            token,
            refused,
            failed,
        }
    }

    pub fn set(&self, behaviour: Behaviour) {
        self.state.lock().unwrap().0 = behaviour;
    }

    /// How many requests reached the fake.
    pub fn calls(&self) -> usize {
        self.state.lock().unwrap().1
    }

    /// Serves `app` behind this gate on 127.0.0.1:0; returns its base URL.
    pub async fn serve(&self, app: Router) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding a carrier fake");
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let app = app.layer(middleware::from_fn_with_state(self.clone(), guard));
        tokio::spawn(async move { axum::serve(listener, app).await });
        base_url
    }
}

/// A base URL where nothing listens: the carrier is down.
pub async fn nobody_listening() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}
