//! `ironconf console`: an interactive NETCONF session with line editing
//! and history. EXEC commands (`show ip ssh`) run through
//! `oper-data-format-text-block`; `configure` gathers lines until `end`
//! and sends them as one `edit-config` (each rpc starts in global
//! configuration mode, so a submode line needs its parent in the same
//! batch); XML is sent as it is typed.

use std::io::Write as _;

use ironconf_client::{Client, ClientError, Config, Datastore, EditOptions, Filter};
use rustyline::DefaultEditor;
use rustyline::error::ReadlineError;

use crate::conn::ClientArgs;
use crate::output::{Format, Shape, error_line, print_reply};
use crate::request::{is_whole_rpc, with_progress};

const HELP: &str = "\
Commands:
  show … / any EXEC command   run it on the device (oper-data-format-text-block)
  configure                   lines until 'end' are sent as one edit-config
  get-config [running|startup] [FILTER]   e.g. get-config running | include hostname
  get [FILTER]
  copy-config SOURCE TARGET   e.g. copy-config running startup
  delete-config TARGET
  lock [TARGET] / unlock [TARGET]
  kill-session ID
  <xml…>                      an operation, or a whole <rpc>, possibly over several lines
  session                     session-id, framing and server capabilities
  help, quit
";

pub(crate) async fn run(args: &ClientArgs) -> Result<(), ClientError> {
    let client = args.conn.connect().await?;
    println!(
        "Connected to {}:{}, session-id {}, {:?} framing. Type 'help' for commands.",
        args.conn.host,
        args.conn.port,
        client
            .session_id()
            .map_or_else(|| "?".to_owned(), |s| s.to_string()),
        client.framing()
    );
    let mut editor =
        DefaultEditor::new().map_err(|e| ClientError::Request(format!("terminal: {e}")))?;
    let history = std::env::home_dir().map(|h| h.join(".ironconf_history"));
    if let Some(h) = &history {
        let _ = editor.load_history(h);
    }
    let mut configuring: Option<Vec<String>> = None;
    let mut xml = String::new();
    loop {
        let prompt = if !xml.is_empty() {
            "...> "
        } else if configuring.is_some() {
            "netconf(config)# "
        } else {
            "netconf# "
        };
        let line = match editor.readline(prompt) {
            Ok(l) => l,
            Err(ReadlineError::Interrupted) => {
                xml.clear();
                continue;
            }
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(ClientError::Request(format!("terminal: {e}"))),
        };
        let trimmed = line.trim();
        if trimmed.is_empty() && xml.is_empty() {
            continue;
        }
        let _ = editor.add_history_entry(line.as_str());
        if !xml.is_empty() || trimmed.starts_with('<') {
            xml.push_str(&line);
            xml.push('\n');
            if !is_complete_xml(&xml) {
                continue;
            }
            let text = std::mem::take(&mut xml);
            step(&client, args.format, Step::Xml(text)).await;
            continue;
        }
        if let Some(lines) = configuring.as_mut() {
            if matches!(trimmed, "end" | "\u{1a}") {
                let lines = std::mem::take(lines);
                configuring = None;
                if !lines.is_empty() {
                    step(&client, args.format, Step::Configure(lines)).await;
                }
            } else {
                lines.push(line.trim_end().to_owned());
            }
            continue;
        }
        let words: Vec<&str> = trimmed.split_whitespace().collect();
        match words.as_slice() {
            ["quit" | "exit" | "logout"] => break,
            ["help" | "?"] => print!("{HELP}"),
            ["session"] => {
                println!("session-id: {:?}", client.session_id());
                println!("framing: {:?}", client.framing());
                for c in client.capabilities() {
                    println!("  {c}");
                }
            }
            ["configure" | "conf"] | ["configure" | "conf", "terminal" | "t"] => {
                configuring = Some(Vec::new());
                println!("Enter configuration commands, one per line. End with 'end'.");
            }
            ["get-config", rest @ ..] => {
                let (source, spec) = match rest.first().copied() {
                    Some(ds @ ("running" | "startup" | "candidate")) => (ds, &rest[1..]),
                    _ => ("running", rest),
                };
                let filter = Filter::TextCmd((!spec.is_empty()).then(|| spec.join(" ")));
                let op = match source.parse::<Datastore>() {
                    Ok(ds) => ironconf_client::ops::get_config(&ds, &filter),
                    Err(e) => {
                        eprintln!("% {e}");
                        continue;
                    }
                };
                step(&client, args.format, Step::Op(op, Shape::Config)).await;
            }
            ["get", rest @ ..] => {
                let filter = if rest.is_empty() {
                    Filter::None
                } else {
                    Filter::TextCmd(Some(rest.join(" ")))
                };
                let op = ironconf_client::ops::get(&filter);
                step(&client, args.format, Step::Op(op, Shape::Any)).await;
            }
            ["copy-config", source, target] => match (source.parse(), target.parse()) {
                (Ok(s), Ok(t)) => {
                    let op = ironconf_client::ops::copy_config(&t, &s);
                    step(&client, args.format, Step::Op(op, Shape::Ok)).await;
                }
                (Err(e), _) | (_, Err(e)) => eprintln!("% {e}"),
            },
            ["delete-config", target] => match target.parse() {
                Ok(t) => {
                    let op = ironconf_client::ops::delete_config(&t);
                    step(&client, args.format, Step::Op(op, Shape::Ok)).await;
                }
                Err(e) => eprintln!("% {e}"),
            },
            [verb @ ("lock" | "unlock"), rest @ ..] => {
                match rest.first().copied().unwrap_or("running").parse() {
                    Ok(t) => {
                        let op = if *verb == "lock" {
                            ironconf_client::ops::lock(&t)
                        } else {
                            ironconf_client::ops::unlock(&t)
                        };
                        step(&client, args.format, Step::Op(op, Shape::Ok)).await;
                    }
                    Err(e) => eprintln!("% {e}"),
                }
            }
            ["kill-session", id] => match id.parse::<u32>() {
                Ok(id) => {
                    let op = ironconf_client::ops::kill_session(id);
                    step(&client, args.format, Step::Op(op, Shape::Ok)).await;
                }
                Err(_) => eprintln!("% kill-session needs a session-id number"),
            },
            _ => {
                let op = ironconf_client::ops::exec(&[trimmed.to_owned()]);
                step(&client, args.format, Step::Op(op, Shape::Exec)).await;
            }
        }
        if client.is_closed() {
            eprintln!("% The session has ended.");
            break;
        }
    }
    if let Some(h) = &history {
        let _ = editor.save_history(h);
    }
    let _ = client.close().await;
    Ok(())
}

enum Step {
    Op(String, Shape),
    Configure(Vec<String>),
    Xml(String),
}

/// Runs one request and prints its reply; errors are printed, never fatal.
async fn step(client: &Client, format: Format, step: Step) {
    let result = match step {
        Step::Op(op, shape) => with_progress(client, client.rpc(&op))
            .await
            .map(|r| (r, shape)),
        Step::Configure(lines) => client
            .rpc(&ironconf_client::ops::edit_config(
                &Datastore::Running,
                &Config::Cli(lines),
                &EditOptions::default(),
            ))
            .await
            .map(|r| (r, Shape::Ok)),
        Step::Xml(text) => {
            let pending = if is_whole_rpc(&text) {
                client.send_raw(&text).await
            } else {
                client.send(text.trim()).await
            };
            match pending {
                Ok(p) => p.await.map(|r| (r, Shape::Any)),
                Err(e) => Err(e),
            }
        }
    };
    let mut out = std::io::stdout().lock();
    match result {
        // In configuration mode silence is success, as on IOS.
        Ok((reply, Shape::Ok)) if reply.is_ok() && format == Format::Text => {}
        Ok((reply, _)) if !reply.is_ok() && format == Format::Text => {
            for e in reply.errors() {
                eprintln!("{}", error_line(e));
            }
        }
        Ok((reply, shape)) => {
            if let Err(e) = print_reply(&mut out, &reply, format, shape) {
                eprintln!("% {e}");
            }
        }
        Err(ClientError::Rpc(errors)) => {
            for e in &errors {
                eprintln!("{}", error_line(e));
            }
        }
        Err(e) => eprintln!("% {e}"),
    }
    let _ = out.flush();
}

/// True once the typed XML is a whole element (or cannot become one).
fn is_complete_xml(text: &str) -> bool {
    let mut r = quick_xml::Reader::from_str(text);
    let mut depth = 0usize;
    let mut seen = false;
    loop {
        match r.read_event() {
            Ok(quick_xml::events::Event::Start(_)) => {
                depth += 1;
                seen = true;
            }
            Ok(quick_xml::events::Event::End(_)) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return true;
                }
            }
            Ok(quick_xml::events::Event::Empty(_)) if depth == 0 => return true,
            Ok(quick_xml::events::Event::Eof) => return seen && depth == 0,
            // Broken XML: send it and let the server say what is wrong.
            Err(_) => return true,
            Ok(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_is_complete_when_its_root_closes() {
        assert!(!is_complete_xml("<get>\n"));
        assert!(!is_complete_xml("<get><filter>\n"));
        assert!(is_complete_xml("<get>\n</get>\n"));
        assert!(is_complete_xml("<close-session/>\n"));
    }
}
