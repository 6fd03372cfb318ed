use not_send::LocalHandle;

fn main() {
    let handle = LocalHandle::new();
    std::thread::scope(|scope| {
        scope.spawn(|| handle.bump());
    });
}
