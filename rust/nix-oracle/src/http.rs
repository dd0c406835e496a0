//! A loopback HTTP/1.1 server with scripted replies, so that fetchers (eka's
//! and Nix's) can be tested without any outside network.

use std::collections::HashMap;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// What the server answers on one path.
#[derive(Debug, Clone)]
pub enum Reply {
    /// 200 with these bytes.
    Bytes(Vec<u8>),
    /// 200 with the contents of this file, streamed.
    File(PathBuf),
    /// This status with a short body.
    Status(u16),
    /// 302 to this location (a path on this server or a full URL).
    Redirect(String),
    /// `status` for the first `times` requests, then `then`.
    FailFirst {
        times: usize,
        status: u16,
        then: Box<Reply>,
    },
    /// Announce the length of the bytes, send half of them, hang up.
    Truncated(Vec<u8>),
    /// Wait `delay` (a stalled server), then answer with `then`.
    Stall {
        delay: std::time::Duration,
        then: Box<Reply>,
    },
}

#[derive(Debug, Default)]
struct Routes {
    replies: HashMap<String, Reply>,
    hits: HashMap<String, usize>,
}

/// The server; it stops when dropped.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    routes: Arc<Mutex<Routes>>,
    stop: Arc<AtomicBool>,
}

impl Default for Server {
    fn default() -> Self {
        Self::start()
    }
}

impl Server {
    /// Listen on a free port of 127.0.0.1.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let addr = listener.local_addr().expect("the bound address");
        let routes = Arc::new(Mutex::new(Routes::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (thread_routes, thread_stop) = (Arc::clone(&routes), Arc::clone(&stop));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if thread_stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let routes = Arc::clone(&thread_routes);
                std::thread::spawn(move || {
                    let _ = serve(stream, &routes);
                });
            }
        });
        Self { addr, routes, stop }
    }

    /// Answer `path` (starting with `/`) with `reply` from now on.
    pub fn route(&self, path: &str, reply: Reply) {
        self.lock().replies.insert(path.to_owned(), reply);
    }

    /// `http://127.0.0.1:PORT/path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// How many requests `path` received.
    pub fn hits(&self, path: &str) -> usize {
        self.lock().hits.get(path).copied().unwrap_or(0)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Routes> {
        self.routes.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}

fn serve(stream: TcpStream, routes: &Mutex<Routes>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header == "\r\n" || header == "\n" {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("").to_owned();
    let target = parts.next().unwrap_or("/");
    let path = target.split('?').next().unwrap_or(target).to_owned();

    let reply = {
        let mut routes = routes.lock().unwrap_or_else(PoisonError::into_inner);
        let hits = routes.hits.entry(path.clone()).or_insert(0);
        *hits += 1;
        let hit = *hits;
        match routes.replies.get(&path) {
            Some(Reply::FailFirst {
                times,
                status,
                then,
            }) => {
                if hit <= *times {
                    Reply::Status(*status)
                } else {
                    (**then).clone()
                }
            }
            Some(reply) => reply.clone(),
            None => Reply::Status(404),
        }
    };
    let reply = match reply {
        Reply::Stall { delay, then } => {
            std::thread::sleep(delay);
            *then
        }
        other => other,
    };
    let mut out = stream;
    let head_only = method == "HEAD";
    match reply {
        Reply::Bytes(bytes) => respond(&mut out, 200, &[], &bytes, head_only),
        Reply::File(file) => {
            let mut file = std::fs::File::open(file)?;
            let len = file.metadata()?.len();
            write!(
                out,
                "HTTP/1.1 200 OK\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n"
            )?;
            if !head_only {
                let mut buf = vec![0; 1 << 20];
                loop {
                    let n = file.read(&mut buf)?;
                    if n == 0 {
                        break;
                    }
                    out.write_all(&buf[..n])?;
                }
            }
            out.flush()
        }
        Reply::Status(status) => respond(
            &mut out,
            status,
            &[],
            format!("status {status}\n").as_bytes(),
            head_only,
        ),
        Reply::Redirect(location) => respond(
            &mut out,
            302,
            &[("Location", location.as_str())],
            b"moved\n",
            head_only,
        ),
        Reply::FailFirst { .. } => respond(&mut out, 500, &[], b"nested FailFirst\n", head_only),
        Reply::Stall { .. } => respond(&mut out, 500, &[], b"nested Stall\n", head_only),
        Reply::Truncated(bytes) => {
            write!(
                out,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                bytes.len()
            )?;
            out.write_all(&bytes[..bytes.len() / 2])?;
            out.flush()
        }
    }
}

fn respond(
    out: &mut TcpStream,
    status: u16,
    headers: &[(&str, &str)],
    body: &[u8],
    head_only: bool,
) -> std::io::Result<()> {
    write!(
        out,
        "HTTP/1.1 {status} {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        reason(status),
        body.len()
    )?;
    for (name, value) in headers {
        write!(out, "{name}: {value}\r\n")?;
    }
    write!(out, "\r\n")?;
    if !head_only {
        out.write_all(body)?;
    }
    out.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
