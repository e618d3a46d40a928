//! `<get>`: the running configuration (as text) and EXEC command output
//! (`oper-data-format-text-block` with `<show>` and `<exec>` items), or
//! show output as XML-PI data (`oper-data-format-xml`, for the commands
//! that have an XML form here: `show ip interface brief`).

use ironconf_ios::catalogue::Catalogue;
use ironconf_proto::RpcError;
use ironconf_proto::message::DataWriter;
use ironconf_session::{DataSource, Reply, Request};

use super::oper_xml::{self, XmlShow};
use super::{Ctx, config_filter, running_text, write_config};
use crate::exec::{self, ExecCaller};

pub(crate) fn run(ctx: &Ctx<'_>, req: &Request) -> Result<Reply, RpcError> {
    let filter = req.operation.child("filter");
    // RFC 5277 §3.2.5: the notification streams.
    if filter.is_some_and(|f| {
        f.child_elements().any(|c| {
            &*c.name == "netconf"
                && c.namespace.as_deref() == Some(crate::notify::NETMOD_NOTIFICATION_NS)
        })
    }) {
        let mut reply = req.data();
        reply.writer.raw(&ctx.device.streams_xml());
        return Ok(reply.finish());
    }
    let oper = filter.and_then(|f| f.child("oper-data-format-text-block"));
    let oper_xml = filter.and_then(|f| f.child("oper-data-format-xml"));
    let xml_items = oper_xml
        .map(|o| xml_items(ctx.device.catalogue(), o, ctx.caller.privilege))
        .transpose()?;
    // `get` is configuration plus state: without a config-format element
    // the whole running-config comes first (clients add a filter that
    // matches nothing to avoid it). A user below privilege 15 gets only the
    // EXEC items, each checked against its own level.
    let (format, spec) =
        config_filter(filter)?.unwrap_or((super::TextFormat::Block, String::new()));
    let any_oper = oper.is_some() || oper_xml.is_some();
    let wants_config = !any_oper || ctx.caller.privilege >= 15;
    if !any_oper {
        ctx.require_privilege_15()?;
    }
    // Every item is checked before anything is written, and kept compactly:
    // the request's tree is dropped before the output is written.
    let text_items = oper
        .map(|oper| {
            let mut items = TextItems::default();
            for item in oper.child_elements() {
                let exec = match &*item.name {
                    "show" => false,
                    "exec" => true,
                    other => return Err(RpcError::operation_not_supported(other)),
                };
                items.push(exec, &item.text());
            }
            Ok(items)
        })
        .transpose()?;
    let mut reply = req.data();
    if wants_config {
        let text = running_text(ctx.device, &spec);
        write_config(&mut reply.writer, ctx.device, &text, format);
    }
    if text_items.is_none() && xml_items.is_none() {
        return Ok(reply.finish());
    }
    // The items' output is written while the reply is sent: a request of
    // a few bytes per item can ask for any amount of output, which must
    // never be held whole.
    Ok(reply.stream(Box::new(OperItems {
        device: ctx.device.clone(),
        caller: ExecCaller {
            session: Some(ctx.caller.session),
            user: ctx.caller.user.clone(),
            privilege: ctx.caller.privilege,
            line: None,
        },
        eol: ctx.device.profile().text_eol.as_str().to_owned(),
        text: text_items,
        xml: xml_items,
        current: None,
        next: Next::TextStart,
    })))
}

/// The items of an `oper-data-format-text-block`: their texts in one
/// string, so that a request of many items costs little more than its
/// own size while its output is written.
#[derive(Default)]
struct TextItems {
    texts: String,
    /// Per item: `<exec>` (else `<show>`), and its text's end in `texts`.
    items: Vec<(bool, usize)>,
}

impl TextItems {
    fn push(&mut self, exec: bool, text: &str) {
        self.texts.push_str(text);
        self.items.push((exec, self.texts.len()));
    }

    /// Item `i`: whether it is `<exec>`, and its text.
    fn get(&self, i: usize) -> Option<(bool, &str)> {
        let (exec, end) = *self.items.get(i)?;
        let start = i
            .checked_sub(1)
            .and_then(|p| self.items.get(p))
            .map_or(0, |p| p.1);
        Some((exec, self.texts.get(start..end)?))
    }
}

/// What [`OperItems`] writes next.
enum Next {
    TextStart,
    Text(usize),
    /// The later parts of a long response ([`OperItems::current`]).
    TextPart(usize),
    XmlStart,
    Xml(usize),
    /// The later parts of a long XML item's output.
    XmlPart(usize),
    Done,
}

/// The EXEC items of a `<get>`, each run and written when the reply
/// reaches it.
struct OperItems {
    device: crate::device::Device,
    caller: ExecCaller,
    eol: String,
    /// The `oper-data-format-text-block` items, if it was asked for (an
    /// empty one still gets its empty block).
    text: Option<TextItems>,
    xml: Option<Vec<(String, XmlShow)>>,
    /// The output being written, a part per call.
    current: Option<exec::ExecOutput>,
    next: Next,
}

impl OperItems {
    fn response_lines(&self, w: &mut DataWriter, text: &str) {
        for line in text.split_inclusive('\n') {
            // The response starts with a line break, as on IOS.
            w.raw(&self.eol);
            w.text(line.trim_end_matches('\n'));
        }
    }
}

impl DataSource for OperItems {
    fn write_next(&mut self, w: &mut DataWriter) -> bool {
        self.next = match self.next {
            Next::TextStart if self.text.is_none() => Next::XmlStart,
            Next::TextStart => {
                w.start("cli-oper-data-block");
                Next::Text(0)
            }
            Next::Text(i) => match self.text.as_ref().and_then(|t| t.get(i)) {
                Some((is_exec, asked)) => {
                    let (name, command) = if is_exec {
                        ("exec", asked.trim().to_owned())
                    } else {
                        ("show", format!("show {}", asked.trim()))
                    };
                    let mut out = exec::run(&self.device, &self.caller, &command);
                    w.start("item");
                    w.text_element(name, asked);
                    w.start("response");
                    self.response_lines(w, &std::mem::take(&mut out.text));
                    self.current = Some(out);
                    Next::TextPart(i)
                }
                None => {
                    w.end("cli-oper-data-block");
                    Next::XmlStart
                }
            },
            Next::TextPart(i) => {
                match self.current.as_mut().and_then(exec::ExecOutput::next_part) {
                    Some(part) => {
                        self.response_lines(w, &part);
                        Next::TextPart(i)
                    }
                    None => {
                        self.current = None;
                        w.end("response");
                        w.end("item");
                        Next::Text(i + 1)
                    }
                }
            }
            Next::XmlStart if self.xml.is_none() => Next::Done,
            Next::XmlStart => {
                w.start("xml-oper-data");
                Next::Xml(0)
            }
            Next::Xml(i) => match self.xml.as_ref().and_then(|x| x.get(i)) {
                Some((asked, form)) => {
                    let form = *form;
                    w.start("item");
                    w.text_element("show", asked);
                    w.start("response");
                    let (outer, table) = form.elements();
                    w.start(outer);
                    if let Some(t) = table {
                        w.start(t);
                    }
                    if form == XmlShow::IpInterfaceBrief {
                        brief_entries(w, &self.device);
                    } else {
                        let command = format!("show {}", asked.trim());
                        let out = exec::run(&self.device, &self.caller, &command);
                        if !out.ok {
                            // Refused at run time (an interface the device
                            // lacks): IOS's message, as in the text form.
                            w.text(&out.text);
                        } else if form == XmlShow::RunningConfig {
                            let text = out.into_text();
                            oper_xml::write_part(self.device.catalogue(), form, &text, w);
                        } else {
                            oper_xml::write_part(self.device.catalogue(), form, &out.text, w);
                            self.current = Some(out);
                        }
                    }
                    Next::XmlPart(i)
                }
                None => {
                    w.end("xml-oper-data");
                    Next::Done
                }
            },
            Next::XmlPart(i) => {
                let form = self.xml.as_ref().and_then(|x| x.get(i)).map(|x| x.1);
                match (
                    self.current.as_mut().and_then(exec::ExecOutput::next_part),
                    form,
                ) {
                    (Some(part), Some(form)) => {
                        oper_xml::write_part(self.device.catalogue(), form, &part, w);
                        Next::XmlPart(i)
                    }
                    (_, form) => {
                        self.current = None;
                        let (outer, table) = form.map_or(("", None), XmlShow::elements);
                        if let Some(t) = table {
                            w.end(t);
                        }
                        w.end(outer);
                        w.end("response");
                        w.end("item");
                        Next::Xml(i + 1)
                    }
                }
            }
            Next::Done => return false,
        };
        true
    }
}

/// `show ip interface brief`'s rows, from the interface table.
fn brief_entries(w: &mut DataWriter, device: &crate::device::Device) {
    for row in device.ip_interface_brief() {
        w.start("entry");
        w.text_element("Interface", &row.interface);
        w.text_element("IP-Address", &row.address);
        w.text_element("Status", row.status);
        w.text_element("Method", row.method);
        w.text_element("Protocol", row.protocol);
        w.end("entry");
    }
}

/// The `<show>` items of an `oper-data-format-xml` filter, checked before
/// any output is written.
fn xml_items(
    cat: &Catalogue,
    oper: &ironconf_proto::Element,
    privilege: u8,
) -> Result<Vec<(String, XmlShow)>, RpcError> {
    oper.child_elements()
        .map(|item| {
            if &*item.name != "show" {
                return Err(RpcError::operation_not_supported(&item.name));
            }
            let asked = item.text();
            let form = oper_xml::xml_show(cat, &asked, privilege)?;
            Ok((asked.to_string(), form))
        })
        .collect()
}
