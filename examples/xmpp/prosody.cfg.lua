-- Prosody for examples/xmpp: loopback only, direct TLS (XEP-0368) on a high port, data in
-- ./data beside wherever you run it from, certificates made with the gateway's own dev CA.
-- Run it from this directory, in the foreground:  prosody --config prosody.cfg.lua -F
-- (relative certificate paths below resolve against this file's directory, data_path against
-- the working directory)

data_path = "data"

-- The CI machine runs its tests as root, and prosody refuses to start as root without this.
-- Drop it when you run prosody as yourself.
run_as_root = true

log = { info = "*console" }

modules_enabled = {
  "roster"; "saslauth"; "tls"; "disco"; "ping"; "presence"; "message";
}
-- No server-to-server, no daemonizing (posix: we run in the foreground), no HTTP.
modules_disabled = { "s2s"; "posix" }

interfaces = { "127.0.0.1" }
-- The gateway connects with TLS straight away (the policy's "tls" option), so the page never
-- needs a TLS stack: direct TLS only, no plain/STARTTLS port.
c2s_ports = { }
c2s_direct_tls_ports = { 26223 }
s2s_ports = { }

-- Passwords stored as SCRAM hashes; SASL PLAIN is offered only inside TLS, which the
-- gateway's TLS hop is.
authentication = "internal_hashed"
c2s_require_encryption = true
allow_registration = false

-- The certificate 'cometgate cert issue --name xmpp.cometgate.test --out tls/prosody' made.
-- Set globally: the direct-TLS port takes its certificate from here (a per-host "ssl" is
-- not consulted for it in prosody 0.12, and the handshake then fails).
certificates = "tls/prosody"
ssl = { certificate = "tls/prosody/cert.pem"; key = "tls/prosody/key.pem" }

VirtualHost "xmpp.cometgate.test"
