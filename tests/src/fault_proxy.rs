//! A TCP proxy between the runtime and one of its servers (Postgres, Redis, the MQTT broker)
//! that a test can take down and bring back, so outages can be staged without stopping a
//! server other tests share. Taking it down closes every open connection and makes new
//! ones fail at once, which is what a client sees of a server restart.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::io::copy_bidirectional;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

pub struct FaultProxy {
    port: u16,
    up: Arc<AtomicBool>,
    /// Bumped on every outage; connection tasks end when it changes.
    outages: watch::Sender<u64>,
    accept_task: tokio::task::JoinHandle<()>,
}

impl FaultProxy {
    /// Listens on a free loopback port and forwards each connection to `upstream` (`host:port`).
    pub async fn start(upstream: &str) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the fault proxy");
        let port = listener.local_addr().expect("proxy address").port();
        let up = Arc::new(AtomicBool::new(true));
        let (outages, _) = watch::channel(0u64);
        let accept_task = tokio::spawn(accept_loop(listener, upstream.to_string(), up.clone(), outages.clone()));
        FaultProxy { port, up, outages, accept_task }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server "goes down": open connections are closed, new ones are closed on arrival.
    pub fn take_down(&self) {
        self.up.store(false, Ordering::SeqCst);
        self.outages.send_modify(|n| *n += 1);
    }

    /// The server is back.
    pub fn bring_up(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.accept_task.abort();
        self.outages.send_modify(|n| *n += 1);
    }
}

async fn accept_loop(listener: TcpListener, upstream: String, up: Arc<AtomicBool>, outages: watch::Sender<u64>) {
    while let Ok((client, _)) = listener.accept().await {
        if !up.load(Ordering::SeqCst) {
            drop(client);
            continue;
        }
        let mut outage = outages.subscribe();
        let upstream = upstream.clone();
        tokio::spawn(async move {
            let Ok(mut server) = TcpStream::connect(&upstream).await else { return };
            let mut client = client;
            let _ = client.set_nodelay(true);
            let _ = server.set_nodelay(true);
            tokio::select! {
                _ = copy_bidirectional(&mut client, &mut server) => {}
                _ = outage.changed() => {}
            }
        });
    }
}
