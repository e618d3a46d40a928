// Shared by the cli benches (`include!`): a server process of the bench,
// ended with it.

/// A child process killed and reaped when dropped.
struct Proc(std::process::Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
