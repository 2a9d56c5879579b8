//! Matching errors: the operation's statuses, then transport and decoding.
use openrouter_observability::error::TransportErrorKind;
use openrouter_observability::operations::get_observability_destination::GetObservabilityDestinationError;
use openrouter_observability::{Client, Error};

async fn describe(client: &Client) -> String {
    match client.observability().get("x").send().await {
        Ok(r) => format!("found {}", r.data.tag()),
        Err(Error::Service(e)) => match e.err() {
            GetObservabilityDestinationError::NotFound(body) => format!("not found: {}", body.error.message),
            GetObservabilityDestinationError::Unhandled(u) => format!("{}: {:?}", u.status(), u.body()),
            other => format!("{}: {other}", e.raw().status()),
        },
        Err(Error::Transport(t)) if t.kind() == TransportErrorKind::Timeout => "slow".into(),
        Err(e) => e.to_string(),
    }
}

fn main() {
    let _ = describe;
}
