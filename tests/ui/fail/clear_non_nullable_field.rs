use openrouter_observability::Client;

fn main() {
    let client = Client::builder().api_key("k").build().unwrap();
    let _ = client.observability().update("id").clear_name();
}
