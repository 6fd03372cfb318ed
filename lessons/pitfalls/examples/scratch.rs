use std::time::Duration;
use lesson_kit::{LocalServer, ServerConfig};

fn chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string(); let mut src = e.source();
    while let Some(s) = src { msg += &format!(": {s}"); src = s.source(); }
    msg
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let server = LocalServer::start(ServerConfig::default()).unwrap();
    let client = reqwest::Client::new();
    let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
    let (ready_tx, ready_rx) = tokio::sync::oneshot::channel::<()>();
    let c = client.clone();
    let url = server.url("/delay/10");
    let t = std::thread::spawn(move || {
        let a = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        a.block_on(async { c.get(&url).send().await.unwrap().bytes().await.unwrap(); });
        ready_tx.send(()).unwrap();
        go_rx.recv().ok();
        drop(a);
    });
    ready_rx.await.unwrap();
    let req = client.get(server.url("/delay/500")).send();
    let watcher = async { server.wait_until(|s| s.in_flight == 1).await; go_tx.send(()).unwrap(); };
    let (r, ()) = tokio::join!(req, watcher);
    match r { Ok(r) => println!("ok {}", r.status()), Err(e) => println!("err: {} {:?}", chain(&e), e) }
    t.join().unwrap();
    println!("{:?}", server.stats());
}
