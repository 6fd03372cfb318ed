use futures::future::join_all;
use std::time::Instant;
fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args[1] == "child" {
        let url = args[2].clone();
        let n: usize = args[3].parse().unwrap();
        let limit: u64 = args[4].parse().unwrap();
        lesson_kit::system::set_open_file_limit(limit).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let client = reqwest::Client::new();
            let t = Instant::now();
            let futs = (0..n).map(|_| async { let r = client.get(&url).send().await?; r.bytes().await.map(|_| ()) });
            let results = join_all(futs).await;
            let ok = results.iter().filter(|r| r.is_ok()).count();
            println!("{:?} ok {ok} rss {:?}", t.elapsed(), lesson_kit::system::resident_memory());
            if let Some(Err(e)) = results.iter().find(|r| r.is_err()) {
                let mut s: &dyn std::error::Error = e; print!("{s}"); while let Some(c) = s.source() { print!(": {c}"); s = c; } println!();
            }
        });
        return;
    }
    let server = lesson_kit::LocalServer::start(Default::default()).unwrap();
    if args.len() > 4 { server.set_concurrency_limit(Some(50)); }
    let url = server.url(&format!("/delay/{}", args.get(3).map_or(0, |a| a.parse::<u64>().unwrap())));
    let t = Instant::now();
    let out = std::process::Command::new(std::env::current_exe().unwrap()).args(["child", &url, &args[1], &args[2]]).output().unwrap();
    println!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    println!("{:?} {:?}", t.elapsed(), server.stats());
}
