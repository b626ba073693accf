//! Opt-in request logging. Lines name the method, URL, status, timing, attempt and request
//! id; they never carry a header, a body, a token or the secret.

use std::fmt;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    Off,
    Error,
    Warn,
    Info,
    Debug,
}

impl LogLevel {
    pub fn parse(value: &str) -> Option<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "off" | "none" | "silent" | "" => Some(LogLevel::Off),
            "error" => Some(LogLevel::Error),
            "warn" | "warning" => Some(LogLevel::Warn),
            "info" => Some(LogLevel::Info),
            "debug" | "trace" => Some(LogLevel::Debug),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Off => "off",
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
        }
    }
}

/// Where log lines go; the binding decides (stderr on Node, `console` on the edge).
pub type LogSink = Arc<dyn Fn(LogLevel, &str) + Send + Sync>;

/// A level and a sink; lines above the level are never formatted.
#[derive(Clone)]
pub struct Logger {
    level: LogLevel,
    sink: Option<LogSink>,
}

impl fmt::Debug for Logger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Logger")
            .field("level", &self.level)
            .finish()
    }
}

impl Logger {
    pub fn new(level: LogLevel, sink: Option<LogSink>) -> Self {
        Logger { level, sink }
    }

    pub fn off() -> Self {
        Logger::new(LogLevel::Off, None)
    }

    pub fn enabled(&self, level: LogLevel) -> bool {
        level != LogLevel::Off && level <= self.level && self.sink.is_some()
    }

    pub fn log(&self, level: LogLevel, line: impl FnOnce() -> String) {
        if self.enabled(level) {
            if let Some(sink) = &self.sink {
                sink(level, &format!("[ethora] {} {}", level.as_str(), line()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn only_lines_at_or_above_the_level_are_written() {
        let lines = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&lines);
        let sink: LogSink = Arc::new(move |_, line| seen.lock().unwrap().push(line.to_owned()));
        let logger = Logger::new(LogLevel::Warn, Some(sink));
        logger.log(LogLevel::Debug, || unreachable!("not formatted"));
        logger.log(LogLevel::Error, || "boom".into());
        assert_eq!(*lines.lock().unwrap(), ["[ethora] error boom"]);
        assert_eq!(LogLevel::parse("INFO"), Some(LogLevel::Info));
        assert_eq!(LogLevel::parse("loud"), None);
    }
}
