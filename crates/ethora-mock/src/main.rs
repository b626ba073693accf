//! `ethora-mock`: runs the local Ethora API and prints its base URL on the first stdout line.
//!
//! ```text
//! ethora-mock [--host 127.0.0.1] [--port 0] [--app-id ID] [--app-secret SECRET]
//! ```
//! The app id and secret default to `ETHORA_CHAT_APP_ID` / `ETHORA_CHAT_APP_SECRET`, then to
//! `mock-app` / `mock-secret`. It stops on Ctrl-C, SIGTERM, or when its standard input closes
//! (so a parent process that dies takes it along).

#![forbid(unsafe_code)]

use std::process::ExitCode;

use ethora_mock::{serve, MockConfig};
use tokio::io::AsyncReadExt;

struct Options {
    host: String,
    port: u16,
    config: MockConfig,
}

const USAGE: &str =
    "usage: ethora-mock [--host 127.0.0.1] [--port 0] [--app-id ID] [--app-secret SECRET]";

fn parse_options() -> Result<Options, String> {
    let env_or = |name: &str, fallback: &str| {
        std::env::var(name)
            .ok()
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| fallback.to_owned())
    };
    let mut options = Options {
        host: "127.0.0.1".into(),
        port: 0,
        config: MockConfig {
            app_id: env_or("ETHORA_CHAT_APP_ID", "mock-app"),
            app_secret: env_or("ETHORA_CHAT_APP_SECRET", "mock-secret"),
        },
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            return Err(USAGE.into());
        }
        let value = args
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--host" => options.host = value,
            "--port" => {
                options.port = value
                    .parse()
                    .map_err(|_| format!("--port must be a number from 0 to 65535\n{USAGE}"))?
            }
            "--app-id" => options.config.app_id = value,
            "--app-secret" => options.config.app_secret = value,
            _ => return Err(format!("unknown option {flag}\n{USAGE}")),
        }
    }
    Ok(options)
}

async fn stop_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    let stdin_closed = async {
        let mut stdin = tokio::io::stdin();
        let mut buffer = [0u8; 64];
        while matches!(stdin.read(&mut buffer).await, Ok(n) if n > 0) {}
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = stdin_closed => {}
        _ = terminate => {}
    }
}

fn main() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("ethora-mock: cannot start the runtime: {error}");
            return ExitCode::from(1);
        }
    };
    let code = runtime.block_on(run());
    // The stdin watcher sits in a blocking read that would keep the runtime from dropping.
    runtime.shutdown_background();
    code
}

async fn run() -> ExitCode {
    let options = match parse_options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind((options.host.as_str(), options.port)).await
    {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!(
                "ethora-mock: cannot listen on {}:{}: {error}",
                options.host, options.port
            );
            return ExitCode::from(1);
        }
    };
    let address = match listener.local_addr() {
        Ok(address) => address,
        Err(error) => {
            eprintln!("ethora-mock: {error}");
            return ExitCode::from(1);
        }
    };
    println!("http://{address}");
    tokio::select! {
        served = serve(listener, &options.config) => match served {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("ethora-mock: {error}");
                ExitCode::from(1)
            }
        },
        _ = stop_signal() => ExitCode::SUCCESS,
    }
}
