//! A minimal HTTP/1.1 server on 127.0.0.1 for the client benchmarks: canned
//! responses, keep-alive, nothing else, on its own thread and runtime so it
//! does not share an executor with the client being measured.

use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A canned response: status and JSON body.
#[derive(Clone)]
pub struct Canned {
    pub status: u16,
    pub body: Arc<Vec<u8>>,
}

/// A request as it arrived.
pub struct Incoming<'a> {
    pub method: &'a str,
    /// Path and query, as sent.
    pub target: &'a str,
    /// The header lines, `name: value` each.
    pub head: &'a str,
    pub body: &'a [u8],
}

impl Incoming<'_> {
    /// The path without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    /// The header names, lower-cased and sorted.
    pub fn header_names(&self) -> Vec<String> {
        let mut names: Vec<String> =
            self.head.split("\r\n").filter_map(|l| l.split_once(':')).map(|(k, _)| k.to_ascii_lowercase()).collect();
        names.sort();
        names
    }
}

/// Picks the response for a request.
pub type Router = Arc<dyn Fn(&Incoming<'_>) -> Canned + Send + Sync>;

/// A running server; it stops with the process.
pub struct Server {
    pub url: String,
}

/// Starts the server and returns its base URL (`http://127.0.0.1:PORT`).
pub fn start(router: Router) -> Server {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let url = format!("http://{}", listener.local_addr().expect("local address"));
    listener.set_nonblocking(true).expect("non-blocking listener");
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("server runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                let _ = stream.set_nodelay(true);
                tokio::spawn(connection(stream, router.clone()));
            }
        });
    });
    Server { url }
}

async fn connection(mut stream: tokio::net::TcpStream, router: Router) {
    let mut buf: Vec<u8> = Vec::with_capacity(16 * 1024);
    let mut out: Vec<u8> = Vec::with_capacity(64 * 1024);
    loop {
        // Read a head, then as much body as Content-Length says.
        let head_end = loop {
            if let Some(i) = find(&buf, b"\r\n\r\n") {
                break i + 4;
            }
            let mut chunk = [0u8; 8192];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
        let (request_line, headers) = head.split_once("\r\n").unwrap_or((&head, ""));
        let mut parts = request_line.split(' ');
        let method = parts.next().unwrap_or("");
        let target = parts.next().unwrap_or("");
        let length: usize = headers
            .split("\r\n")
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.trim().parse().ok())
            .unwrap_or(0);
        while buf.len() < head_end + length {
            let mut chunk = [0u8; 8192];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        let canned = router(&Incoming { method, target, head: headers, body: &buf[head_end..head_end + length] });
        buf.drain(..head_end + length);
        out.clear();
        out.extend_from_slice(
            format!(
                "HTTP/1.1 {} OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                canned.status,
                canned.body.len()
            )
            .as_bytes(),
        );
        out.extend_from_slice(&canned.body);
        if stream.write_all(&out).await.is_err() {
            return;
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serves_canned_responses_with_keep_alive() {
        let body = Arc::new(b"{\"ok\":true}".to_vec());
        let server = start(Arc::new(move |r: &Incoming<'_>| Canned {
            status: if r.method == "POST" && r.path() == "/x" && r.body == b"{}" { 201 } else { 200 },
            body: body.clone(),
        }));
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let client = reqwest::Client::new();
            for _ in 0..3 {
                let r = client.post(format!("{}/x?a=1", server.url)).body("{}").send().await.unwrap();
                assert_eq!(r.status().as_u16(), 201);
                assert_eq!(r.text().await.unwrap(), "{\"ok\":true}");
            }
            let r = client.get(format!("{}/y", server.url)).send().await.unwrap();
            assert_eq!(r.status().as_u16(), 200);
        });
    }
}
