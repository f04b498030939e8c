//! Broker addresses: `mqtt://host[:port]` (also `tcp://`), as the plugin accepts them.

use anyhow::{anyhow, bail, Result};

/// Host and port of a plain-TCP MQTT broker address.
pub fn parse_broker_address(address: &str) -> Result<(String, u16)> {
    let url = url::Url::parse(address).map_err(|e| anyhow!("invalid MQTT address {address:?}: {e}"))?;
    match url.scheme() {
        "mqtt" | "tcp" => {}
        other => bail!("MQTT address {address:?}: scheme `{other}` is not supported (use mqtt://host:port)"),
    }
    let host = url.host_str().ok_or_else(|| anyhow!("MQTT address {address:?} has no host"))?;
    Ok((host.trim_start_matches('[').trim_end_matches(']').to_string(), url.port().unwrap_or(1883)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_mqtt_and_tcp_addresses() {
        assert_eq!(parse_broker_address("mqtt://127.0.0.1:1884").unwrap(), ("127.0.0.1".into(), 1884));
        assert_eq!(parse_broker_address("tcp://broker").unwrap(), ("broker".into(), 1883));
        assert!(parse_broker_address("ws://broker:80").is_err());
        assert!(parse_broker_address("not a url").is_err());
    }
}
