//! A small owned XML element tree, read in one pass under NETCONF's rules.
//!
//! The reader is written for this crate (not a general XML library): it
//! knows exactly the XML a NETCONF peer may send, checks well-formedness as
//! it goes, and builds the tree in the same pass.
//!
//! The reader refuses what a NETCONF peer must never be able to make us do:
//! DTDs and entity declarations (billion laughs, XXE), undeclared entities,
//! unbound namespace prefixes, more than one root, unbounded nesting or
//! attribute lists. Only the five predefined entities and character
//! references are expanded.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

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

/// A namespace URI. The ones NETCONF uses are static strings; others are
/// shared by every element of a message that uses them. Either way a copy
/// costs no allocation and no atomic operation for the common ones.
#[derive(Debug, Clone)]
pub enum Namespace {
    /// A URI known in advance.
    Known(&'static str),
    /// Any other URI.
    Other(Arc<str>),
}

/// URIs stored without allocation.
const KNOWN_NAMESPACES: &[&str] = &[
    "urn:ietf:params:xml:ns:netconf:base:1.0",
    "urn:ietf:params:xml:ns:netconf:notification:1.0",
    "http://www.cisco.com/cpi_10/schema",
    "urn:ietf:params:netconf:base:1.0",
    "urn:ietf:params:xml:rs:netconf:base:1.0",
    "urn:cisco:xml-pi",
    XML_NS,
];

impl Namespace {
    fn new(uri: &str, cache: &mut Option<Arc<str>>) -> Self {
        match KNOWN_NAMESPACES.iter().find(|k| **k == uri) {
            Some(k) => Namespace::Known(k),
            None => Namespace::Other(intern(cache, uri)),
        }
    }
}

impl std::ops::Deref for Namespace {
    type Target = str;
    fn deref(&self) -> &str {
        match self {
            Namespace::Known(s) => s,
            Namespace::Other(s) => s,
        }
    }
}

impl PartialEq for Namespace {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for Namespace {}

impl From<&'static str> for Namespace {
    fn from(s: &'static str) -> Self {
        Namespace::Known(s)
    }
}

impl fmt::Display for Namespace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self)
    }
}

/// An attribute as read: its name as written, and resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// The qualified name as written (`message-id`, `nc:operation`, `xmlns:nc`).
    pub qname: String,
    /// Namespace URI of a prefixed attribute (unprefixed attributes have none).
    pub namespace: Option<Namespace>,
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
    /// The local name (shared: a message repeats few names).
    pub name: Arc<str>,
    /// The resolved namespace URI.
    pub namespace: Option<Namespace>,
    /// Attributes in document order, namespace declarations included.
    pub attributes: Vec<Attribute>,
    /// Children in document order.
    pub children: Vec<Node>,
}

impl Element {
    /// A new element with no namespace.
    pub fn new(name: impl AsRef<str>) -> Self {
        Element {
            name: Arc::from(name.as_ref()),
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
        self.child_elements().find(|e| &*e.name == local_name)
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
    /// An encoding other than UTF-8 declared (NETCONF is UTF-8: RFC 6241
    /// section 3; the bytes cannot be what the declaration says).
    #[error("encoding '{0}' is not supported: NETCONF messages are UTF-8")]
    UnsupportedEncoding(String),
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
    let trimmed = trimmed.strip_prefix('\u{feff}').unwrap_or(trimmed);
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

/// The namespace the `xml` prefix is bound to.
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// A namespace declaration in scope. `uri: None` undeclares the default
/// namespace (`xmlns=""`).
struct Binding<'i> {
    prefix: &'i str,
    uri: Option<Namespace>,
}

/// A single-pass reader for the XML NETCONF needs: elements, attributes,
/// text, CDATA, comments, the XML declaration, the five predefined entities
/// and character references. Everything else (DTDs, other processing
/// instructions) is refused. It builds the tree as it goes.
struct Parser<'i> {
    input: &'i str,
    pos: usize,
    base: u64,
    limits: Limits,
    stack: Vec<Element>,
    /// Qualified names of the open elements, to check end tags.
    open_names: Vec<&'i str>,
    bindings: Vec<Binding<'i>>,
    /// `bindings.len()` when each open element started.
    marks: Vec<usize>,
    root: Option<Element>,
    seen_anything: bool,
    ns_cache: Option<Arc<str>>,
    /// Element names seen so far, shared between elements.
    names: Vec<(&'i str, Arc<str>)>,
    /// True while consecutive text and CDATA form one run.
    run_open: bool,
    /// A run that is whitespace so far, not yet stored: whitespace between
    /// child elements is formatting, and most of it is never materialised.
    pending_ws: Option<Cow<'i, str>>,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

impl<'i> Parser<'i> {
    fn new(text: &'i str, base: u64, limits: &Limits) -> Self {
        Parser {
            input: text,
            pos: 0,
            base,
            limits: *limits,
            stack: Vec::new(),
            open_names: Vec::new(),
            bindings: Vec::new(),
            marks: Vec::new(),
            root: None,
            seen_anything: false,
            ns_cache: None,
            names: Vec::new(),
            run_open: false,
            pending_ws: None,
        }
    }

    fn err_at(&self, at: usize, kind: XmlErrorKind) -> XmlError {
        XmlError::new(self.base + at as u64, kind)
    }

    fn syntax(&self, at: usize, msg: impl Into<String>) -> XmlError {
        self.err_at(at, XmlErrorKind::Syntax(msg.into()))
    }

    fn bytes(&self) -> &'i [u8] {
        self.input.as_bytes()
    }

    fn find(&self, from: usize, needle: &[u8]) -> Option<usize> {
        memchr::memmem::find(self.bytes().get(from..)?, needle).map(|p| from + p)
    }

    fn run(mut self) -> Result<Element, XmlError> {
        let len = self.input.len();
        while self.pos < len {
            match memchr::memchr(b'<', &self.bytes()[self.pos..]) {
                None => {
                    self.text(self.pos, len)?;
                    self.pos = len;
                }
                Some(k) => {
                    if k > 0 {
                        self.text(self.pos, self.pos + k)?;
                    }
                    self.pos += k;
                    self.markup()?;
                }
            }
        }
        if let Some(open) = self.open_names.last() {
            return Err(self.err_at(len, XmlErrorKind::Unclosed((*open).to_owned())));
        }
        self.root
            .ok_or_else(|| XmlError::new(self.base, XmlErrorKind::NoRoot))
    }

    fn text(&mut self, start: usize, end: usize) -> Result<(), XmlError> {
        let raw = &self.input[start..end];
        if memchr::memchr(b']', raw.as_bytes()).is_some()
            && let Some(p) = memchr::memmem::find(raw.as_bytes(), b"]]>")
        {
            return Err(self.err_at(start + p, XmlErrorKind::CdataEndInText));
        }
        if self.stack.is_empty() {
            if !is_whitespace(raw) {
                return Err(self.err_at(start, XmlErrorKind::TextOutsideRoot));
            }
            return Ok(());
        }
        let decoded = self.decode(raw, start, false)?;
        self.seen_anything = true;
        self.push_run(decoded);
        Ok(())
    }

    /// Expands references and normalises line ends (and, in attribute
    /// values, white space) as XML 1.0 sections 2.11 and 3.3.3 say.
    fn decode(&self, raw: &'i str, at: usize, attr: bool) -> Result<Cow<'i, str>, XmlError> {
        let special = |b: u8| b == b'&' || b == b'\r' || (attr && (b == b'\n' || b == b'\t'));
        if !raw.bytes().any(special) {
            return Ok(Cow::Borrowed(raw));
        }
        let bytes = raw.as_bytes();
        let mut out = String::with_capacity(raw.len());
        let mut last = 0;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if !special(b) {
                i += 1;
                continue;
            }
            out.push_str(&raw[last..i]);
            match b {
                b'&' => {
                    let Some(semi) = bytes[i..].iter().take(40).position(|c| *c == b';') else {
                        return Err(
                            self.syntax(at + i, "unterminated entity or character reference")
                        );
                    };
                    let name = &raw[i + 1..i + semi];
                    out.push(self.reference(name, at + i)?);
                    i += semi + 1;
                }
                b'\r' => {
                    // CR LF and a lone CR are both one line end.
                    if bytes.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    out.push(if attr { ' ' } else { '\n' });
                    i += 1;
                }
                _ => {
                    out.push(' ');
                    i += 1;
                }
            }
            last = i;
        }
        out.push_str(&raw[last..]);
        Ok(Cow::Owned(out))
    }

    fn reference(&self, name: &str, at: usize) -> Result<char, XmlError> {
        let c = match name {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "apos" => '\'',
            "quot" => '"',
            _ => {
                let Some(num) = name.strip_prefix('#') else {
                    return Err(self.err_at(at, XmlErrorKind::UndeclaredEntity(name.to_owned())));
                };
                let value = match num.strip_prefix('x') {
                    Some(hex) if !hex.is_empty() && hex.len() <= 8 => {
                        u32::from_str_radix(hex, 16).ok()
                    }
                    None if !num.is_empty()
                        && num.len() <= 10
                        && num.bytes().all(|b| b.is_ascii_digit()) =>
                    {
                        num.parse().ok()
                    }
                    _ => None,
                };
                match value.and_then(char::from_u32).filter(|c| is_xml_char(*c)) {
                    Some(c) => c,
                    None => {
                        return Err(self
                            .err_at(at, XmlErrorKind::InvalidCharacterReference(name.to_owned())));
                    }
                }
            }
        };
        Ok(c)
    }

    fn markup(&mut self) -> Result<(), XmlError> {
        let at = self.pos;
        let rest = &self.bytes()[at..];
        // Most markup is a start or end tag: decide on the second byte
        // before comparing longer prefixes.
        match rest.get(1) {
            Some(b'/') => return self.end_tag(at),
            Some(b'?' | b'!') => {}
            _ => return self.start_tag(at),
        }
        if rest.starts_with(b"<?") {
            self.processing_instruction(at)
        } else if rest.starts_with(b"<!--") {
            let end = self
                .find(at + 4, b"-->")
                .ok_or_else(|| self.syntax(at, "comment is not closed"))?;
            let body = &self.input[at + 4..end];
            if body.contains("--") || body.ends_with('-') {
                return Err(self.syntax(at, "'--' is not allowed in a comment"));
            }
            self.end_run();
            self.seen_anything = true;
            self.pos = end + 3;
            Ok(())
        } else if rest.starts_with(b"<![CDATA[") {
            let end = self
                .find(at + 9, b"]]>")
                .ok_or_else(|| self.syntax(at, "CDATA section is not closed"))?;
            if self.stack.is_empty() {
                return Err(self.err_at(at, XmlErrorKind::TextOutsideRoot));
            }
            let raw = &self.input[at + 9..end];
            let content = if raw.contains('\r') {
                Cow::Owned(raw.replace("\r\n", "\n").replace('\r', "\n"))
            } else {
                Cow::Borrowed(raw)
            };
            self.push_run(content);
            self.pos = end + 3;
            Ok(())
        } else if rest.starts_with(b"<!DOCTYPE") {
            Err(self.err_at(at, XmlErrorKind::Dtd))
        } else if rest.starts_with(b"<!") {
            Err(self.syntax(at, "unknown markup '<!'"))
        } else if rest.starts_with(b"</") {
            self.end_tag(at)
        } else {
            self.start_tag(at)
        }
    }

    fn processing_instruction(&mut self, at: usize) -> Result<(), XmlError> {
        let end = self
            .find(at + 2, b"?>")
            .ok_or_else(|| self.syntax(at, "processing instruction is not closed"))?;
        let body = &self.input[at + 2..end];
        let target = body
            .split(|c: char| c.is_ascii_whitespace())
            .next()
            .unwrap_or("");
        if target != "xml" {
            return Err(self.err_at(at, XmlErrorKind::ProcessingInstruction(target.to_owned())));
        }
        if self.seen_anything {
            return Err(self.err_at(at, XmlErrorKind::MisplacedDeclaration));
        }
        if let Some(encoding) = declared_encoding(body)
            && !encoding.eq_ignore_ascii_case("utf-8")
            && !encoding.eq_ignore_ascii_case("utf8")
        {
            return Err(self.err_at(at, XmlErrorKind::UnsupportedEncoding(encoding.to_owned())));
        }
        self.seen_anything = true;
        self.pos = end + 2;
        Ok(())
    }

    fn name_end(&self, from: usize) -> usize {
        let bytes = self.bytes();
        bytes[from..]
            .iter()
            .position(|b| is_space(*b) || matches!(b, b'/' | b'>' | b'='))
            .map_or(bytes.len(), |p| from + p)
    }

    fn skip_space(&self, mut i: usize) -> usize {
        while self.bytes().get(i).is_some_and(|b| is_space(*b)) {
            i += 1;
        }
        i
    }

    fn end_tag(&mut self, at: usize) -> Result<(), XmlError> {
        let name_start = at + 2;
        let name_end = self.name_end(name_start);
        let name = &self.input[name_start..name_end];
        let close = self.skip_space(name_end);
        if self.bytes().get(close) != Some(&b'>') {
            return Err(self.syntax(close, format!("expected '>' to close </{name}>")));
        }
        match self.open_names.last() {
            Some(open) if *open == name => {}
            Some(open) => {
                return Err(self.syntax(at, format!("expected </{open}>, found </{name}>")));
            }
            None => return Err(self.syntax(at, format!("unexpected </{name}>"))),
        }
        self.end_run();
        self.open_names.pop();
        if let Some(mark) = self.marks.pop() {
            self.bindings.truncate(mark);
        }
        if let Some(mut el) = self.stack.pop() {
            strip_formatting(&mut el);
            self.close(el);
        }
        self.seen_anything = true;
        self.pos = close + 1;
        Ok(())
    }

    fn start_tag(&mut self, at: usize) -> Result<(), XmlError> {
        let name_start = at + 1;
        let name_end = self.name_end(name_start);
        let qname = &self.input[name_start..name_end];
        if !is_qname(qname) {
            return Err(self.err_at(name_start, XmlErrorKind::InvalidName(qname.to_owned())));
        }
        if self.root.is_some() {
            return Err(self.err_at(at, XmlErrorKind::MultipleRoots));
        }
        if self.stack.len() >= self.limits.max_depth {
            return Err(self.err_at(at, XmlErrorKind::TooDeep(self.limits.max_depth)));
        }
        // Attributes, as written.
        let mut raw_attrs: Vec<(&'i str, Cow<'i, str>)> = Vec::new();
        let mut i = name_end;
        let empty = loop {
            let spaced = self.bytes().get(i).is_some_and(|b| is_space(*b));
            i = self.skip_space(i);
            match self.bytes().get(i) {
                None => return Err(self.syntax(at, format!("<{qname}> is not closed"))),
                Some(b'>') => break false,
                Some(b'/') => {
                    if self.bytes().get(i + 1) != Some(&b'>') {
                        return Err(self.syntax(i, "expected '/>'"));
                    }
                    i += 1;
                    break true;
                }
                Some(_) if !spaced => {
                    return Err(self.syntax(i, "expected white space before an attribute"));
                }
                Some(_) => {}
            }
            let a_start = i;
            let a_end = self.name_end(a_start);
            let aname = &self.input[a_start..a_end];
            if !is_qname(aname) {
                return Err(self.err_at(a_start, XmlErrorKind::InvalidName(aname.to_owned())));
            }
            let eq = self.skip_space(a_end);
            if self.bytes().get(eq) != Some(&b'=') {
                return Err(self.syntax(eq, format!("expected '=' after attribute '{aname}'")));
            }
            let q = self.skip_space(eq + 1);
            let quote = match self.bytes().get(q) {
                Some(c @ (b'"' | b'\'')) => *c,
                _ => return Err(self.syntax(q, "expected a quoted attribute value")),
            };
            let v_start = q + 1;
            let Some(len) = memchr::memchr(quote, &self.bytes()[v_start..]) else {
                return Err(self.syntax(q, "attribute value is not closed"));
            };
            let raw = &self.input[v_start..v_start + len];
            if let Some(p) = raw.find('<') {
                return Err(self.err_at(v_start + p, XmlErrorKind::LtInAttributeValue));
            }
            if raw_attrs.len() >= self.limits.max_attributes {
                return Err(self.err_at(
                    a_start,
                    XmlErrorKind::TooManyAttributes(self.limits.max_attributes),
                ));
            }
            if raw_attrs.iter().any(|(n, _)| *n == aname) {
                return Err(self.syntax(a_start, format!("duplicate attribute '{aname}'")));
            }
            let value = self.decode(raw, v_start, true)?;
            raw_attrs.push((aname, value));
            i = v_start + len + 1;
        };
        // Namespace declarations first: they apply to this element's own name.
        let mark = self.bindings.len();
        for (name, value) in &raw_attrs {
            let prefix = match *name {
                "xmlns" => "",
                n => match n.strip_prefix("xmlns:") {
                    Some(p) => p,
                    None => continue,
                },
            };
            if prefix == "xmlns" || (prefix == "xml") != (value.as_ref() == XML_NS) {
                return Err(self.syntax(at, format!("'{name}' cannot be declared as '{value}'")));
            }
            if !prefix.is_empty() && value.is_empty() {
                return Err(self.syntax(at, format!("prefix '{prefix}' cannot be undeclared")));
            }
            let uri = (!value.is_empty()).then(|| Namespace::new(value, &mut self.ns_cache));
            self.bindings.push(Binding { prefix, uri });
        }
        let (prefix, local) = match qname.split_once(':') {
            Some((p, l)) => (Some(p), l),
            None => (None, qname),
        };
        let namespace = self.resolve(prefix.unwrap_or(""), name_start)?;
        let mut attributes = Vec::with_capacity(raw_attrs.len());
        for (name, value) in raw_attrs {
            let is_decl = name == "xmlns" || name.starts_with("xmlns:");
            let namespace = match name.split_once(':') {
                Some((p, _)) if !is_decl => self.resolve(p, at)?,
                _ => None,
            };
            attributes.push(Attribute {
                qname: name.to_owned(),
                namespace,
                value: value.into_owned(),
            });
        }
        self.drop_run();
        self.seen_anything = true;
        let name = match self.names.iter().find(|(n, _)| *n == local) {
            Some((_, a)) => a.clone(),
            None => {
                let a: Arc<str> = Arc::from(local);
                if self.names.len() < 64 {
                    self.names.push((local, a.clone()));
                }
                a
            }
        };
        let el = Element {
            prefix: prefix.map(str::to_owned),
            name,
            namespace,
            attributes,
            // Most elements hold one child (text or one element).
            children: Vec::with_capacity(1),
        };
        self.pos = i + 1;
        if empty {
            self.bindings.truncate(mark);
            self.close(el);
        } else {
            self.stack.push(el);
            self.open_names.push(qname);
            self.marks.push(mark);
        }
        Ok(())
    }

    /// The namespace of a prefix (`""`: the default namespace).
    fn resolve(&mut self, prefix: &str, at: usize) -> Result<Option<Namespace>, XmlError> {
        if prefix == "xml" {
            return Ok(Some(Namespace::Known(XML_NS)));
        }
        let found = if prefix.is_empty() {
            self.bindings.iter().rev().find(|b| b.prefix.is_empty())
        } else {
            self.bindings.iter().rev().find(|b| b.prefix == prefix)
        };
        match found {
            Some(b) => Ok(b.uri.clone()),
            None if prefix.is_empty() => Ok(None),
            None => Err(self.err_at(at, XmlErrorKind::UnboundPrefix(prefix.to_owned()))),
        }
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
        let Some(parent) = self.stack.last_mut() else {
            return;
        };
        if !self.run_open {
            self.run_open = true;
            if is_whitespace(&content) {
                self.pending_ws = Some(content);
            } else {
                append_text(parent, content);
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

/// Bytes that may need escaping (text or attribute), for a fast scan.
const SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    let special = *b"&<>\"\t\n\r";
    while i < special.len() {
        t[special[i] as usize] = true;
        i += 1;
    }
    t
};

fn escape_into(text: &str, out: &mut Vec<u8>, attr: bool) {
    let bytes = text.as_bytes();
    // Most text (a configuration line) has nothing to escape.
    if !bytes.iter().any(|&b| SPECIAL[b as usize]) {
        out.extend_from_slice(bytes);
        return;
    }
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

/// The `encoding` pseudo-attribute of an XML declaration's body.
fn declared_encoding(body: &str) -> Option<&str> {
    let at = body.find("encoding")?;
    let rest = body[at + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?;
    let rest = rest.trim_start();
    let quote = rest.chars().next().filter(|q| *q == '"' || *q == '\'')?;
    let value = &rest[1..];
    value.find(quote).map(|end| &value[..end])
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
        assert_eq!(&*e.name, "rpc");
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
    fn only_utf8_may_be_declared() {
        assert!(p(r#"<?xml version="1.0" encoding="UTF-8"?><a/>"#).is_ok());
        assert!(p(r#"<?xml version='1.0' encoding='utf8'?><a/>"#).is_ok());
        assert!(p(r#"<?xml version="1.0"?><a/>"#).is_ok());
        assert_eq!(
            p(r#"<?xml version="1.0" encoding = "UTF-16"?><a/>"#),
            Err(XmlErrorKind::UnsupportedEncoding("UTF-16".into()))
        );
        assert_eq!(
            p(r#"<?xml version="1.0" encoding='ISO-8859-1'?><a/>"#),
            Err(XmlErrorKind::UnsupportedEncoding("ISO-8859-1".into()))
        );
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
        // Found by the message fuzz target: namespace URIs are resolved from
        // their decoded value, so they survive a write-back.
        for doc in [
            "<a xmlns='u\tv'/>",
            "<x:a xmlns:x='u&amp;v'/>",
            "<x:a xmlns:x='u\"v'/>",
        ] {
            let e = p(doc).unwrap_or_default();
            assert!(e.namespace.is_some(), "{doc}");
            assert_eq!(p(&e.to_xml()), Ok(e), "{doc}");
        }
        assert_eq!(
            p("<a xmlns='u\tv'/>").map(|e| e.namespace.map(|n| n.to_string())),
            Ok(Some("u v".into()))
        );
        // Found by the message fuzz target: '<' in a value.
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
        assert_eq!(e.map(|e| e.name.to_string()), Ok("hello".to_owned()));
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
