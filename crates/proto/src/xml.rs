//! A small owned XML element tree, read with quick-xml under NETCONF's rules.
//!
//! The reader refuses what a NETCONF peer must never be able to make us do:
//! DTDs and entity declarations (billion laughs, XXE), undeclared entities,
//! unbound namespace prefixes, more than one root, unbounded nesting or
//! attribute lists. Only the five predefined entities and character
//! references are expanded.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use quick_xml::XmlVersion;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

/// Parser limits. Every one is a defence against a hostile peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Deepest element nesting accepted (the root is depth 1).
    pub max_depth: usize,
    /// Most attributes (namespace declarations included) on one element.
    pub max_attributes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 256,
            max_attributes: 256,
        }
    }
}

/// An attribute as read: its name as written, and resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// The qualified name as written (`message-id`, `nc:operation`, `xmlns:nc`).
    pub qname: String,
    /// Namespace URI of a prefixed attribute (unprefixed attributes have none).
    pub namespace: Option<Arc<str>>,
    /// The value, with entities and character references expanded.
    pub value: String,
}

impl Attribute {
    /// Local part of the name.
    pub fn local_name(&self) -> &str {
        self.qname.rsplit(':').next().unwrap_or(&self.qname)
    }

    /// True for `xmlns` and `xmlns:*`.
    pub fn is_namespace_declaration(&self) -> bool {
        self.qname == "xmlns" || self.qname.starts_with("xmlns:")
    }
}

/// A child of an element.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A child element.
    Element(Element),
    /// Character data (entities expanded, CDATA merged in).
    Text(String),
}

/// An owned element.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Element {
    /// The prefix as written, if any.
    pub prefix: Option<String>,
    /// The local name.
    pub name: String,
    /// The resolved namespace URI.
    pub namespace: Option<Arc<str>>,
    /// Attributes in document order, namespace declarations included.
    pub attributes: Vec<Attribute>,
    /// Children in document order.
    pub children: Vec<Node>,
}

impl Element {
    /// A new element with no namespace.
    pub fn new(name: impl Into<String>) -> Self {
        Element {
            name: name.into(),
            ..Element::default()
        }
    }

    /// Adds a child element (builder style).
    pub fn with_child(mut self, child: Element) -> Self {
        self.children.push(Node::Element(child));
        self
    }

    /// Adds a text child (builder style).
    pub fn with_text(mut self, text: impl Into<String>) -> Self {
        self.children.push(Node::Text(text.into()));
        self
    }

    /// Adds an unprefixed attribute (builder style).
    pub fn with_attribute(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.attributes.push(Attribute {
            qname: name.into(),
            namespace: None,
            value: value.into(),
        });
        self
    }

    /// The child elements.
    pub fn child_elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first child element with this local name (any namespace).
    pub fn child(&self, local_name: &str) -> Option<&Element> {
        self.child_elements().find(|e| e.name == local_name)
    }

    /// The value of the first attribute with this local name (any namespace,
    /// namespace declarations excluded).
    pub fn attribute(&self, local_name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|a| !a.is_namespace_declaration() && a.local_name() == local_name)
            .map(|a| a.value.as_str())
    }

    /// Concatenated text of the direct text children.
    pub fn text(&self) -> Cow<'_, str> {
        let mut texts = self.children.iter().filter_map(|n| match n {
            Node::Text(t) => Some(t.as_str()),
            Node::Element(_) => None,
        });
        let first = match texts.next() {
            Some(t) => t,
            None => return Cow::Borrowed(""),
        };
        match texts.next() {
            None => Cow::Borrowed(first),
            Some(second) => {
                let mut s = String::from(first);
                s.push_str(second);
                texts.for_each(|t| s.push_str(t));
                Cow::Owned(s)
            }
        }
    }

    /// True when there is no child element and no non-whitespace text.
    pub fn is_empty(&self) -> bool {
        self.children.iter().all(|n| match n {
            Node::Element(_) => false,
            Node::Text(t) => t.trim().is_empty(),
        })
    }

    /// The qualified name as written.
    pub fn qname(&self) -> Cow<'_, str> {
        match &self.prefix {
            Some(p) => Cow::Owned(format!("{p}:{}", self.name)),
            None => Cow::Borrowed(&self.name),
        }
    }

    /// Serialises the element as written (prefixes and declarations kept).
    pub fn write_to(&self, out: &mut Vec<u8>) {
        let qname = self.qname();
        out.push(b'<');
        out.extend_from_slice(qname.as_bytes());
        for a in &self.attributes {
            out.push(b' ');
            out.extend_from_slice(a.qname.as_bytes());
            out.extend_from_slice(b"=\"");
            escape_attr_into(&a.value, out);
            out.push(b'"');
        }
        if self.children.is_empty() {
            out.extend_from_slice(b"/>");
            return;
        }
        out.push(b'>');
        for c in &self.children {
            match c {
                Node::Element(e) => e.write_to(out),
                Node::Text(t) => escape_text_into(t, out),
            }
        }
        out.extend_from_slice(b"</");
        out.extend_from_slice(qname.as_bytes());
        out.push(b'>');
    }

    /// Serialises to a `String`.
    pub fn to_xml(&self) -> String {
        let mut out = Vec::new();
        self.write_to(&mut out);
        String::from_utf8(out).unwrap_or_default()
    }
}

/// Why a document was refused, with the byte offset where it was noticed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("XML error at byte {offset}: {kind}")]
pub struct XmlError {
    /// Offset into the message (after any leading whitespace the framer kept).
    pub offset: u64,
    /// What is wrong.
    pub kind: XmlErrorKind,
}

/// The kinds of [`XmlError`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum XmlErrorKind {
    /// The bytes are not UTF-8.
    #[error("invalid UTF-8")]
    InvalidUtf8,
    /// A character XML 1.0 does not allow (control characters, U+FFFE, U+FFFF).
    #[error("character U+{0:04X} is not allowed in XML")]
    IllegalCharacter(u32),
    /// `<!DOCTYPE …>`: DTDs (and with them entity declarations) are refused.
    #[error("DTD (<!DOCTYPE>) is not allowed")]
    Dtd,
    /// A processing instruction other than the XML declaration.
    #[error("processing instruction <?{0}?> is not allowed")]
    ProcessingInstruction(String),
    /// An XML declaration that is not at the start of the message.
    #[error("XML declaration is only allowed at the start")]
    MisplacedDeclaration,
    /// `&name;` other than the five predefined entities.
    #[error("undeclared entity '&{0};'")]
    UndeclaredEntity(String),
    /// A character reference to a character XML does not allow.
    #[error("invalid character reference '&{0};'")]
    InvalidCharacterReference(String),
    /// An element or attribute name that is not an XML name.
    #[error("'{0}' is not a valid XML name")]
    InvalidName(String),
    /// `]]>` in character data (XML 1.0 section 2.4).
    #[error("']]>' is not allowed in character data")]
    CdataEndInText,
    /// `<` in an attribute value (XML 1.0 production AttValue).
    #[error("'<' is not allowed in an attribute value")]
    LtInAttributeValue,
    /// A namespace URI written with references, quotes or TAB/CR/LF.
    #[error("namespace URI '{0}' must be written without references, quotes or line breaks")]
    UnsupportedNamespaceUri(String),
    /// A prefix with no namespace declaration in scope.
    #[error("namespace prefix '{0}' is not bound")]
    UnboundPrefix(String),
    /// Nesting deeper than [`Limits::max_depth`].
    #[error("elements nested deeper than {0}")]
    TooDeep(usize),
    /// More attributes than [`Limits::max_attributes`] on one element.
    #[error("more than {0} attributes on one element")]
    TooManyAttributes(usize),
    /// A second root element.
    #[error("more than one root element")]
    MultipleRoots,
    /// Non-whitespace text outside the root element.
    #[error("text outside the root element")]
    TextOutsideRoot,
    /// No element at all.
    #[error("no root element")]
    NoRoot,
    /// The message ends inside an element.
    #[error("message ends inside <{0}>")]
    Unclosed(String),
    /// Any other well-formedness error, as quick-xml words it.
    #[error("{0}")]
    Syntax(String),
}

impl XmlError {
    fn new(offset: u64, kind: XmlErrorKind) -> Self {
        XmlError { offset, kind }
    }
}

/// Parses one XML document into an element tree.
///
/// Leading whitespace (and a UTF-8 byte-order mark) before the XML
/// declaration is tolerated, as scrapli sends a newline before `<?xml`.
pub fn parse(input: &[u8], limits: &Limits) -> Result<Element, XmlError> {
    let text = std::str::from_utf8(input)
        .map_err(|e| XmlError::new(e.valid_up_to() as u64, XmlErrorKind::InvalidUtf8))?;
    check_chars(text)?;
    let trimmed = text.trim_start_matches([' ', '\t', '\r', '\n']);
    // quick-xml itself skips one byte-order mark at the start.
    let start = text.len() - trimmed.len();
    Parser::new(&text[start..], start as u64, limits).run()
}

/// Rejects characters outside XML 1.0's `Char` production.
fn check_chars(text: &str) -> Result<(), XmlError> {
    let bytes = text.as_bytes();
    // Branch-free over 64-byte blocks (the compiler vectorises it); only a
    // block that holds a suspect byte is looked at byte by byte.
    let suspect = |b: u8| (b < 0x20 && b != b'\t' && b != b'\n' && b != b'\r') || b == 0xEF;
    for (n, block) in bytes.chunks(64).enumerate() {
        if !block.iter().fold(false, |acc, &b| acc | suspect(b)) {
            continue;
        }
        for (j, &b) in block.iter().enumerate() {
            let i = n * 64 + j;
            // Control characters other than TAB, LF, CR.
            if b < 0x20 && b != b'\t' && b != b'\n' && b != b'\r' {
                return Err(XmlError::new(
                    i as u64,
                    XmlErrorKind::IllegalCharacter(u32::from(b)),
                ));
            }
            // U+FFFE and U+FFFF are EF BF BE / EF BF BF in UTF-8.
            if b == 0xEF && bytes.get(i + 1) == Some(&0xBF) {
                match bytes.get(i + 2) {
                    Some(0xBE) => {
                        return Err(XmlError::new(
                            i as u64,
                            XmlErrorKind::IllegalCharacter(0xFFFE),
                        ));
                    }
                    Some(0xBF) => {
                        return Err(XmlError::new(
                            i as u64,
                            XmlErrorKind::IllegalCharacter(0xFFFF),
                        ));
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(())
}

/// A qualified name: `NCName` or `NCName:NCName` (non-ASCII name
/// characters are accepted without the full XML table).
fn is_qname(name: &str) -> bool {
    fn ncname(s: &str) -> bool {
        let mut chars = s.chars();
        match chars.next() {
            Some(c) if c.is_ascii_alphabetic() || c == '_' || !c.is_ascii() => {}
            _ => return false,
        }
        chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_') || !c.is_ascii())
    }
    match name.split_once(':') {
        Some((prefix, local)) => ncname(prefix) && ncname(local),
        None => ncname(name),
    }
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

struct Parser<'i> {
    input: &'i str,
    reader: NsReader<&'i [u8]>,
    base: u64,
    limits: Limits,
    stack: Vec<Element>,
    root: Option<Element>,
    seen_anything: bool,
    ns_cache: Option<Arc<str>>,
    /// True while consecutive text, references and CDATA form one run.
    run_open: bool,
    /// A run that is whitespace so far, not yet stored: whitespace between
    /// child elements is formatting, and most of it is never materialised.
    pending_ws: Option<Cow<'i, str>>,
}

impl<'i> Parser<'i> {
    fn new(text: &'i str, base: u64, limits: &Limits) -> Self {
        let mut reader = NsReader::from_str(text);
        let cfg = reader.config_mut();
        cfg.check_end_names = true;
        cfg.check_comments = true;
        cfg.expand_empty_elements = false;
        Parser {
            input: text,
            reader,
            base,
            limits: *limits,
            stack: Vec::new(),
            root: None,
            seen_anything: false,
            ns_cache: None,
            run_open: false,
            pending_ws: None,
        }
    }

    fn pos(&self) -> u64 {
        self.base + self.reader.buffer_position()
    }

    fn err(&self, kind: XmlErrorKind) -> XmlError {
        XmlError::new(self.pos(), kind)
    }

    fn run(mut self) -> Result<Element, XmlError> {
        loop {
            let event = match self.reader.read_event() {
                Ok(e) => e,
                Err(e) => {
                    let offset = self.base + self.reader.error_position();
                    return Err(XmlError::new(offset, XmlErrorKind::Syntax(e.to_string())));
                }
            };
            match event {
                Event::Decl(_) => {
                    if self.seen_anything {
                        return Err(self.err(XmlErrorKind::MisplacedDeclaration));
                    }
                }
                Event::PI(pi) => {
                    return Err(
                        self.err(XmlErrorKind::ProcessingInstruction(pi.target().to_owned()))
                    );
                }
                Event::DocType(_) => return Err(self.err(XmlErrorKind::Dtd)),
                Event::Comment(_) => self.end_run(),
                Event::Start(e) => {
                    self.drop_run();
                    let el = self.open(&e)?;
                    self.stack.push(el);
                }
                Event::Empty(e) => {
                    self.drop_run();
                    let el = self.open(&e)?;
                    self.close(el);
                }
                Event::End(_) => {
                    self.end_run();
                    // quick-xml has already checked the name matches.
                    match self.stack.pop() {
                        Some(mut el) => {
                            strip_formatting(&mut el);
                            self.close(el)
                        }
                        None => {
                            return Err(self.err(XmlErrorKind::Syntax("unexpected end tag".into())));
                        }
                    }
                }
                Event::Text(t) => {
                    let content = t.xml10_content();
                    if content.contains("]]>") {
                        return Err(self.err(XmlErrorKind::CdataEndInText));
                    }
                    if self.stack.is_empty() {
                        if !is_whitespace(&content) {
                            return Err(self.err(XmlErrorKind::TextOutsideRoot));
                        }
                    } else {
                        self.push_run(content);
                    }
                }
                Event::CData(c) => {
                    let content = c.xml10_content();
                    if self.stack.is_empty() {
                        return Err(self.err(XmlErrorKind::TextOutsideRoot));
                    }
                    self.push_run(content);
                }
                Event::GeneralRef(r) => {
                    let name = r.xml10_content();
                    let mut utf8 = [0u8; 4];
                    let resolved: &str = if r.is_char_ref() {
                        match r.resolve_char_ref() {
                            Ok(Some(c)) if is_xml_char(c) => c.encode_utf8(&mut utf8),
                            _ => {
                                return Err(self.err(XmlErrorKind::InvalidCharacterReference(
                                    name.into_owned(),
                                )));
                            }
                        }
                    } else {
                        match resolve_predefined_entity(&name) {
                            Some(s) => s,
                            None => {
                                return Err(
                                    self.err(XmlErrorKind::UndeclaredEntity(name.into_owned()))
                                );
                            }
                        }
                    };
                    if self.stack.is_empty() {
                        return Err(self.err(XmlErrorKind::TextOutsideRoot));
                    }
                    self.push_run(Cow::Owned(resolved.to_owned()));
                }
                Event::Eof => break,
            }
            self.seen_anything = true;
        }
        if let Some(open) = self.stack.last() {
            return Err(self.err(XmlErrorKind::Unclosed(open.qname().into_owned())));
        }
        self.root
            .ok_or_else(|| XmlError::new(self.base, XmlErrorKind::NoRoot))
    }

    fn open(&mut self, e: &BytesStart<'_>) -> Result<Element, XmlError> {
        if self.root.is_some() {
            return Err(self.err(XmlErrorKind::MultipleRoots));
        }
        if self.stack.len() >= self.limits.max_depth {
            return Err(self.err(XmlErrorKind::TooDeep(self.limits.max_depth)));
        }
        let qname = e.name();
        if !is_qname(qname.0) {
            return Err(self.err(XmlErrorKind::InvalidName(qname.0.to_owned())));
        }
        let (local, prefix) = qname.decompose();
        let namespace = match self.reader.resolver().resolve_element(qname).0 {
            ResolveResult::Bound(ns) => Some(intern(&mut self.ns_cache, ns.0)),
            ResolveResult::Unbound => None,
            ResolveResult::Unknown(p) => return Err(self.err(XmlErrorKind::UnboundPrefix(p))),
        };
        let mut attributes = Vec::new();
        for attr in e.attributes() {
            let attr = attr.map_err(|err| self.err(XmlErrorKind::Syntax(err.to_string())))?;
            if attributes.len() >= self.limits.max_attributes {
                return Err(self.err(XmlErrorKind::TooManyAttributes(self.limits.max_attributes)));
            }
            let key = attr.key.0;
            if !is_qname(key) {
                return Err(self.err(XmlErrorKind::InvalidName(key.to_owned())));
            }
            let is_decl = key == "xmlns" || key.starts_with("xmlns:");
            let attr_ns = if is_decl || !key.contains(':') {
                None
            } else {
                match self.reader.resolver().resolve_attribute(attr.key).0 {
                    ResolveResult::Bound(ns) => Some(intern(&mut self.ns_cache, ns.0)),
                    ResolveResult::Unbound => None,
                    ResolveResult::Unknown(p) => {
                        return Err(self.err(XmlErrorKind::UnboundPrefix(p)));
                    }
                }
            };
            let value = attr
                .normalized_value_with(XmlVersion::Implicit1_0, 1, |name| {
                    resolve_predefined_entity(name)
                })
                .map_err(|err| self.attr_value_error(err))?;
            if let Some(bad) = value.chars().find(|c| !is_xml_char(*c)) {
                return Err(self.err(XmlErrorKind::IllegalCharacter(u32::from(bad))));
            }
            // quick-xml resolves namespaces from the raw value; a URI that
            // needs references or normalisation would resolve differently
            // from its real value, so it is refused.
            if attr.value.contains('<') {
                return Err(self.err(XmlErrorKind::LtInAttributeValue));
            }
            if is_decl && (value != attr.value || value.contains(['"', '\''])) {
                return Err(self.err(XmlErrorKind::UnsupportedNamespaceUri(value.into_owned())));
            }
            attributes.push(Attribute {
                qname: key.to_owned(),
                namespace: attr_ns,
                value: value.into_owned(),
            });
        }
        Ok(Element {
            prefix: prefix.map(|p| p.as_ref().to_owned()),
            name: local.as_ref().to_owned(),
            namespace,
            attributes,
            // Most elements hold one child (text or one element).
            children: Vec::with_capacity(1),
        })
    }

    fn attr_value_error(&self, err: quick_xml::Error) -> XmlError {
        use quick_xml::escape::EscapeError;
        let kind = match err {
            quick_xml::Error::Escape(EscapeError::UnrecognizedEntity(_, name)) => {
                XmlErrorKind::UndeclaredEntity(name)
            }
            quick_xml::Error::Escape(EscapeError::InvalidCharRef(_)) => {
                XmlErrorKind::InvalidCharacterReference(String::new())
            }
            other => XmlErrorKind::Syntax(other.to_string()),
        };
        self.err(kind)
    }

    fn close(&mut self, el: Element) {
        match self.stack.last_mut() {
            Some(parent) => parent.children.push(Node::Element(el)),
            None => self.root = Some(el),
        }
    }

    /// Adds text to the current run.
    fn push_run(&mut self, content: Cow<'i, str>) {
        if content.is_empty() {
            return;
        }
        // Text after an entity reference arrives in pieces; size the node
        // for the whole run (up to the next tag) so it never reallocates.
        let run_rest = || {
            let pos = (self.reader.buffer_position() as usize).min(self.input.len());
            let rest = &self.input.as_bytes()[pos..];
            memchr::memchr(b'<', rest).unwrap_or(rest.len())
        };
        let reserve = if self.run_open { 0 } else { run_rest() };
        let Some(parent) = self.stack.last_mut() else {
            return;
        };
        if !self.run_open {
            self.run_open = true;
            if is_whitespace(&content) {
                self.pending_ws = Some(content);
            } else if let Some(Node::Text(t)) = parent.children.last_mut() {
                t.push_str(&content);
            } else {
                let mut t = String::with_capacity(content.len() + reserve);
                t.push_str(&content);
                parent.children.push(Node::Text(t));
            }
            return;
        }
        if let Some(ws) = self.pending_ws.take() {
            if is_whitespace(&content) {
                self.pending_ws = Some(Cow::Owned(ws.into_owned() + &content));
                return;
            }
            let mut t = ws.into_owned();
            t.push_str(&content);
            append_text(parent, Cow::Owned(t));
        } else if let Some(Node::Text(t)) = parent.children.last_mut() {
            t.push_str(&content);
        }
    }

    /// A run ends at a comment or an end tag: whitespace is kept unless the
    /// element has child elements.
    fn end_run(&mut self) {
        self.run_open = false;
        if let Some(ws) = self.pending_ws.take()
            && let Some(parent) = self.stack.last_mut()
            && parent.child_elements().next().is_none()
        {
            append_text(parent, ws);
        }
    }

    /// A run ends at a child's start tag: whitespace-only runs are formatting.
    fn drop_run(&mut self) {
        self.run_open = false;
        self.pending_ws = None;
    }
}

/// Text separated only by a comment joins the text before it.
fn append_text(parent: &mut Element, text: Cow<'_, str>) {
    if let Some(Node::Text(t)) = parent.children.last_mut() {
        t.push_str(&text);
    } else {
        parent.children.push(Node::Text(text.into_owned()));
    }
}

fn is_whitespace(s: &str) -> bool {
    s.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

/// Removes whitespace-only text from an element that has child elements
/// (whitespace a run kept before the first child element arrived).
fn strip_formatting(el: &mut Element) {
    let mut has_element = false;
    let mut has_ws_text = false;
    for c in &el.children {
        match c {
            Node::Element(_) => has_element = true,
            Node::Text(t) => has_ws_text |= is_whitespace(t),
        }
    }
    if has_element && has_ws_text {
        el.children
            .retain(|c| !matches!(c, Node::Text(t) if is_whitespace(t)));
    }
}

/// Shares one allocation among the (usually identical) namespaces of a message.
fn intern(cache: &mut Option<Arc<str>>, ns: &str) -> Arc<str> {
    match cache {
        Some(c) if &**c == ns => c.clone(),
        _ => {
            let a: Arc<str> = Arc::from(ns);
            *cache = Some(a.clone());
            a
        }
    }
}

/// Escapes character data: `&`, `<`, `>` and `"` (the IOS agent writes
/// `&quot;` in text, and clients accept it everywhere).
pub fn escape_text_into(text: &str, out: &mut Vec<u8>) {
    escape_into(text, out, false);
}

/// Escapes an attribute value (double-quoted): also TAB, LF and CR as
/// character references so they survive attribute-value normalisation.
pub fn escape_attr_into(text: &str, out: &mut Vec<u8>) {
    escape_into(text, out, true);
}

fn escape_into(text: &str, out: &mut Vec<u8>, attr: bool) {
    let bytes = text.as_bytes();
    let mut last = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let rep: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' if !attr => b"&gt;",
            b'"' => b"&quot;",
            b'\t' if attr => b"&#9;",
            b'\n' if attr => b"&#10;",
            b'\r' => b"&#13;",
            _ => continue,
        };
        out.extend_from_slice(&bytes[last..i]);
        out.extend_from_slice(rep);
        last = i + 1;
    }
    out.extend_from_slice(&bytes[last..]);
}

/// Escapes text into a new `String`.
pub fn escape_text(text: &str) -> Cow<'_, str> {
    if !text
        .bytes()
        .any(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\r'))
    {
        return Cow::Borrowed(text);
    }
    let mut out = Vec::with_capacity(text.len() + 16);
    escape_text_into(text, &mut out);
    Cow::Owned(String::from_utf8(out).unwrap_or_default())
}

impl fmt::Display for Element {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_xml())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Element, XmlErrorKind> {
        parse(s.as_bytes(), &Limits::default()).map_err(|e| e.kind)
    }

    #[test]
    fn namespaces_resolve_for_default_and_prefixed() {
        let e = p(r#"<nc:rpc xmlns:nc="urn:a" message-id="1"><get xmlns="urn:b"/></nc:rpc>"#);
        let e = e.unwrap_or_default();
        assert_eq!(e.name, "rpc");
        assert_eq!(e.prefix.as_deref(), Some("nc"));
        assert_eq!(e.namespace.as_deref(), Some("urn:a"));
        assert_eq!(e.attribute("message-id"), Some("1"));
        let get = e.child("get").cloned().unwrap_or_default();
        assert_eq!(get.namespace.as_deref(), Some("urn:b"));
    }

    #[test]
    fn entities_and_char_refs_are_expanded() {
        let e =
            p(r#"<a x="&lt;&#65;&quot;">&amp;&#x42;&gt;<![CDATA[<c>]]></a>"#).unwrap_or_default();
        assert_eq!(e.attribute("x"), Some("<A\""));
        assert_eq!(e.text(), "&B><c>");
    }

    #[test]
    fn hostile_documents_are_refused_precisely() {
        let laughs = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;">]><lolz>&lol1;</lolz>"#;
        assert_eq!(p(laughs), Err(XmlErrorKind::Dtd));
        let xxe = r#"<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>"#;
        assert_eq!(p(xxe), Err(XmlErrorKind::Dtd));
        assert_eq!(
            p("<r>&foo;</r>"),
            Err(XmlErrorKind::UndeclaredEntity("foo".into()))
        );
        assert_eq!(
            p(r#"<r a="&foo;"/>"#),
            Err(XmlErrorKind::UndeclaredEntity("foo".into()))
        );
        assert_eq!(p("<nc:r/>"), Err(XmlErrorKind::UnboundPrefix("nc".into())));
        // Found by the message fuzz target: quick-xml reads `< />` as an element with no name.
        assert_eq!(
            p("     < />"),
            Err(XmlErrorKind::InvalidName(String::new()))
        );
        assert_eq!(p("<a:/>"), Err(XmlErrorKind::InvalidName("a:".into())));
        assert_eq!(p("<1a/>"), Err(XmlErrorKind::InvalidName("1a".into())));
        assert_eq!(p("<a>x]]>y</a>"), Err(XmlErrorKind::CdataEndInText));
        // Found by the message fuzz target: text around a comment is one node.
        assert_eq!(
            p("<a>x<!--c-->y</a>").map(|e| e.children),
            Ok(vec![Node::Text("xy".into())])
        );
        // Found by the message fuzz target: the resolver reads the raw value.
        assert_eq!(
            p("<a xmlns='u\tv'/>"),
            Err(XmlErrorKind::UnsupportedNamespaceUri("u v".into()))
        );
        assert_eq!(
            p("<a xmlns:x='u&amp;v'/>"),
            Err(XmlErrorKind::UnsupportedNamespaceUri("u&v".into()))
        );
        // Found by the message fuzz target: '<' in a value, quotes in a URI.
        assert_eq!(
            p("<a xmlns:x='u\"v'/>"),
            Err(XmlErrorKind::UnsupportedNamespaceUri("u\"v".into()))
        );
        assert_eq!(p("<a b=\"x<y\"/>"), Err(XmlErrorKind::LtInAttributeValue));
        assert_eq!(
            p("<a b:c:d='1'/>"),
            Err(XmlErrorKind::InvalidName("b:c:d".into()))
        );
        assert_eq!(p("<r/><s/>"), Err(XmlErrorKind::MultipleRoots));
        assert_eq!(p("<r/>x"), Err(XmlErrorKind::TextOutsideRoot));
        assert_eq!(p(""), Err(XmlErrorKind::NoRoot));
        assert_eq!(p("<r><s>"), Err(XmlErrorKind::Unclosed("s".into())));
        assert_eq!(p("<r>\u{1}</r>"), Err(XmlErrorKind::IllegalCharacter(1)));
        assert_eq!(
            p("<r>&#0;</r>"),
            Err(XmlErrorKind::InvalidCharacterReference("#0".into()))
        );
        assert_eq!(
            p("<r>&#1;</r>"),
            Err(XmlErrorKind::InvalidCharacterReference("#1".into()))
        );
        assert_eq!(
            p("<?foo bar?><r/>"),
            Err(XmlErrorKind::ProcessingInstruction("foo".into()))
        );
        assert!(matches!(p("<r></s>"), Err(XmlErrorKind::Syntax(_))));
        assert!(matches!(
            p(r#"<r a="1" a="2"/>"#),
            Err(XmlErrorKind::Syntax(_))
        ));
        let deep = "<a>".repeat(300) + &"</a>".repeat(300);
        assert_eq!(p(&deep), Err(XmlErrorKind::TooDeep(256)));
        let many: String = (0..300).map(|i| format!(" a{i}=\"\"")).collect();
        assert_eq!(
            p(&format!("<r{many}/>")),
            Err(XmlErrorKind::TooManyAttributes(256))
        );
        let bad_utf8 = parse(b"<r>\xff</r>", &Limits::default());
        assert_eq!(
            bad_utf8.map_err(|e| (e.offset, e.kind)),
            Err((3, XmlErrorKind::InvalidUtf8))
        );
    }

    #[test]
    fn leading_whitespace_bom_and_comments_are_tolerated() {
        let e = p("\n  \u{feff}<?xml version=\"1.0\"?><!-- junos --><hello/>\n");
        assert!(p("\u{feff}\u{feff}<a/>").is_err());
        assert_eq!(e.map(|e| e.name), Ok("hello".to_owned()));
    }

    #[test]
    fn offsets_point_at_the_problem() {
        let err = parse(b"  <r>&bad;</r>", &Limits::default());
        assert!(
            matches!(err, Err(XmlError { offset: 5..=10, .. })),
            "{err:?}"
        );
    }

    #[test]
    fn write_round_trips() {
        let src = r#"<nc:rpc xmlns:nc="urn:a" message-id="a&amp;&quot;b"><x>1 &lt; 2 "q"</x><y/></nc:rpc>"#;
        let e = p(src).unwrap_or_default();
        let again = p(&e.to_xml());
        assert_eq!(again, Ok(e));
    }
}
