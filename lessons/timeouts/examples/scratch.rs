use std::time::{Duration, Instant};
use lesson_kit::{LocalServer, ServerConfig};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let server = LocalServer::start(ServerConfig::default()).unwrap();
    let client = reqwest::Client::new();
    let t = Instant::now();
    let r = tokio::time::timeout(Duration::from_millis(100), client.get(server.url("/delay/1000")).send()).await;
    println!("timeout: {:?} after {:?}", r.is_err(), t.elapsed());
    let s = tokio::time::timeout(Duration::from_secs(2), server.wait_until(|s| s.in_flight == 0)).await;
    println!("server in_flight 0: {:?} after {:?} stats {:?}", s.is_ok(), t.elapsed(), server.stats());

    // backlog-full listener
    let sock = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = sock.local_addr().unwrap();
    drop(sock);
    let s2 = tokio::net::TcpSocket::new_v4().unwrap();
    s2.bind(addr).unwrap();
    let listener = s2.listen(0).unwrap();
    let mut fillers = vec![];
    for i in 0..8 {
        let t = Instant::now();
        match std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
            Ok(s) => { println!("filler {i} connected in {:?}", t.elapsed()); fillers.push(s); }
            Err(e) => { println!("filler {i} failed after {:?}: {e}", t.elapsed()); break; }
        }
    }
    for (name, b) in [("connect 150", reqwest::Client::builder().connect_timeout(Duration::from_millis(150))),
                      ("timeout 300", reqwest::Client::builder().timeout(Duration::from_millis(300)))] {
        let c = b.build().unwrap();
        let t = Instant::now();
        let r = c.get(format!("http://{addr}/")).send().await;
        match r { Ok(r) => println!("{name}: ok {}", r.status()), Err(e) => {
            let mut msg = e.to_string(); let mut src = std::error::Error::source(&e);
            while let Some(s) = src { msg += &format!(": {s}"); src = s.source(); }
            println!("{name}: err after {:?} connect={} timeout={} {msg}", t.elapsed(), e.is_connect(), e.is_timeout()) } }
    }
    drop(listener);
}
