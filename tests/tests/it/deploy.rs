//! The production recipe (#28) is checked by the tools that will read it: nginx parses
//! `deploy/nginx.conf` with each upstream file, systemd parses `deploy/ocop@.service`.

use std::{path::PathBuf, process::Command};

fn deploy() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("deploy")
}

fn nginx() -> PathBuf {
    std::env::var_os("NGINX_BIN")
        .map(PathBuf::from)
        .or_else(|| {
            ["/usr/sbin/nginx", "/usr/bin/nginx"]
                .map(PathBuf::from)
                .into_iter()
                .find(|p| p.exists())
        })
        .expect("nginx: run scripts/test, which unpacks it (ensure_deploy_checkers)")
}

#[test]
fn nginx_accepts_the_site_configuration_with_either_upstream() {
    for upstream in ["nginx-upstream.conf", "nginx-upstream-compose.conf"] {
        let dir = tempfile::tempdir().unwrap();
        let t = dir.path();
        // A throwaway certificate where the configuration looks for it.
        let cert = Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            ])
            .args(["-subj", "/CN=dacsan.example.vn", "-keyout"])
            .arg(t.join("privkey.pem"))
            .arg("-out")
            .arg(t.join("fullchain.pem"))
            .output()
            .expect("openssl");
        assert!(cert.status.success(), "{cert:?}");
        std::fs::copy(deploy().join(upstream), t.join("ocop-upstream.conf")).unwrap();
        let site = std::fs::read_to_string(deploy().join("nginx.conf"))
            .unwrap()
            .replace(
                "/etc/nginx/ocop-upstream.conf",
                &t.join("ocop-upstream.conf").display().to_string(),
            )
            .replace(
                "/etc/letsencrypt/live/dacsan.example.vn",
                &t.display().to_string(),
            );
        assert!(site.contains("Strict-Transport-Security"));
        std::fs::write(t.join("site.conf"), site).unwrap();
        // Temporary folders under the test's own: `nginx -t` creates them, and Debian's
        // defaults (/var/lib/nginx) exist only where the package is installed, not unpacked.
        let main = format!(
            "pid {0}/nginx.pid;\nerror_log {0}/error.log;\nevents {{}}\nhttp {{ access_log off; \
             client_body_temp_path {0}/body; proxy_temp_path {0}/proxy; fastcgi_temp_path {0}/fastcgi; \
             uwsgi_temp_path {0}/uwsgi; scgi_temp_path {0}/scgi; include {0}/site.conf; }}\n",
            t.display()
        );
        std::fs::write(t.join("main.conf"), main).unwrap();
        // The compose names (app1, app2) resolve only on the compose network: nginx -t
        // resolves upstream hosts, so those are checked against loopback stand-ins.
        if upstream.contains("compose") {
            let text = std::fs::read_to_string(t.join("ocop-upstream.conf"))
                .unwrap()
                .replace("app1:3000", "127.0.0.1:3000")
                .replace("app2:3000", "127.0.0.1:3002");
            std::fs::write(t.join("ocop-upstream.conf"), text).unwrap();
        }
        let checked = Command::new(nginx())
            .arg("-e")
            .arg(t.join("error.log"))
            .arg("-p")
            .arg(t)
            .arg("-t")
            .arg("-c")
            .arg(t.join("main.conf"))
            .output()
            .expect("nginx -t");
        assert!(
            checked.status.success(),
            "{upstream}: {}",
            String::from_utf8_lossy(&checked.stderr)
        );
    }
}

#[test]
fn systemd_accepts_the_unit() {
    let Ok(out) = Command::new("systemd-analyze")
        .arg("verify")
        .arg(deploy().join("ocop@.service"))
        .output()
    else {
        panic!("systemd-analyze is part of Debian's systemd package");
    };
    let said = String::from_utf8_lossy(&out.stderr);
    // The binary is not installed here; anything else it says is a fault in the unit.
    let faults: Vec<&str> = said
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.contains("/opt/ocop/ocop"))
        .collect();
    assert!(faults.is_empty(), "{said}");
}
