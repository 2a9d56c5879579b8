//! Listing: one page, the next page, and every item as a stream.
use openrouter_observability::{Client, Error};
use openrouter_observability::operations::list_observability_destinations::ListObservabilityDestinationsError;

async fn list(client: &Client) -> Result<usize, Error<ListObservabilityDestinationsError>> {
    let page = client.observability().list().limit(10).workspace_id("550e8400-e29b-41d4-a716-446655440000").send().await?;
    let mut seen = page.items().len();
    if let Some(next) = page.next().await? {
        seen += next.items().len();
    }
    let mut all = client.observability().list().offset(20).into_stream();
    while let Some(item) = all.next().await {
        let d = item?;
        let _kind: &str = d.tag();
        let _id = d.id();
        seen += 1;
    }
    Ok(seen + page.total_count as usize)
}

fn main() {
    let _ = list;
}
