use openrouter_observability::Client;

fn main() {
    let client = Client::builder().api_key("k").build().unwrap();
    let _ = client.observability().get("id").name("renamed");
}
