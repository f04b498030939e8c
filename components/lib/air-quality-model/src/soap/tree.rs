//! A small, bounded XML element tree read with quick-xml.
//!
//! Safe by construction for untrusted input: the byte size is checked before parsing, element
//! depth and count are bounded, any DOCTYPE is refused (so no DTD, no entity declarations, no
//! external entities, no billion laughs), only the five predefined entities and character
//! references are resolved, and processing instructions other than the XML declaration are
//! refused (SOAP 1.1 §3 forbids them in an envelope).

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;
use std::fmt;

/// Largest body accepted, in bytes. The biggest legitimate request (`CreateMeasure`) is < 2 KiB.
pub const MAX_BYTES: usize = 64 * 1024;
/// Deepest element nesting accepted (an envelope needs 4 levels).
pub const MAX_DEPTH: usize = 16;
/// Most elements accepted in one document.
pub const MAX_ELEMENTS: usize = 512;

/// An element: namespace URI (if bound), local name, attributes, children, concatenated text.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Element {
    pub ns: Option<String>,
    pub name: String,
    pub attrs: Vec<Attribute>,
    pub children: Vec<Element>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    pub ns: Option<String>,
    pub name: String,
    pub value: String,
}

impl Element {
    /// Whether this element is `{ns}name`.
    pub fn is(&self, ns: &str, name: &str) -> bool {
        self.ns.as_deref() == Some(ns) && self.name == name
    }

    pub fn attr(&self, ns: Option<&str>, name: &str) -> Option<&str> {
        self.attrs.iter().find(|a| a.ns.as_deref() == ns && a.name == name).map(|a| a.value.as_str())
    }
}

/// Why a document was refused. The message is safe to send back to the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XmlError {
    TooLarge { limit: usize },
    TooDeep { limit: usize },
    TooManyElements { limit: usize },
    Doctype,
    UndefinedEntity(String),
    ProcessingInstruction,
    NotUtf8,
    Empty,
    Malformed(String),
}

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLarge { limit } => write!(f, "request body larger than {limit} bytes"),
            Self::TooDeep { limit } => write!(f, "XML nested deeper than {limit} elements"),
            Self::TooManyElements { limit } => write!(f, "XML with more than {limit} elements"),
            Self::Doctype => f.write_str("DOCTYPE declarations are not allowed"),
            Self::UndefinedEntity(name) => write!(f, "undefined entity &{name};"),
            Self::ProcessingInstruction => f.write_str("processing instructions are not allowed in a SOAP message"),
            Self::NotUtf8 => f.write_str("the request body is not UTF-8"),
            Self::Empty => f.write_str("no XML element in the request body"),
            Self::Malformed(why) => write!(f, "malformed XML: {why}"),
        }
    }
}

/// Parses a whole document into its root element.
pub fn parse(bytes: &[u8]) -> Result<Element, XmlError> {
    if bytes.len() > MAX_BYTES {
        return Err(XmlError::TooLarge { limit: MAX_BYTES });
    }
    let text = std::str::from_utf8(bytes).map_err(|_| XmlError::NotUtf8)?;
    let mut reader = NsReader::from_str(text);
    let config = reader.config_mut();
    config.check_end_names = true;
    config.expand_empty_elements = false;

    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut elements = 0usize;
    loop {
        let (resolved, event) = reader.read_resolved_event().map_err(|e| XmlError::Malformed(e.to_string()))?;
        let ns = namespace(&resolved)?;
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                let is_empty = matches!(event, Event::Empty(_));
                if root.is_some() {
                    return Err(XmlError::Malformed("content after the document element".into()));
                }
                elements += 1;
                if elements > MAX_ELEMENTS {
                    return Err(XmlError::TooManyElements { limit: MAX_ELEMENTS });
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(XmlError::TooDeep { limit: MAX_DEPTH });
                }
                let name = utf8(start.local_name().as_ref())?;
                let mut attrs = Vec::new();
                for attr in start.attributes() {
                    let attr = attr.map_err(|e| XmlError::Malformed(e.to_string()))?;
                    let (attr_ns, local) = reader.resolve_attribute(attr.key);
                    let value = attr.unescape_value().map_err(|e| entity_error(&e.to_string()))?;
                    attrs.push(Attribute { ns: namespace(&attr_ns)?, name: utf8(local.as_ref())?, value: value.into_owned() });
                }
                let element = Element { ns, name, attrs, ..Element::default() };
                if is_empty {
                    close(element, &mut stack, &mut root);
                } else {
                    stack.push(element);
                }
            }
            Event::End(_) => {
                let element = stack.pop().ok_or_else(|| XmlError::Malformed("unexpected end tag".into()))?;
                close(element, &mut stack, &mut root);
            }
            Event::Text(t) => {
                let content = t.xml_content().map_err(|e| XmlError::Malformed(e.to_string()))?;
                push_text(&mut stack, &content)?;
            }
            Event::CData(c) => {
                let content = c.decode().map_err(|e| XmlError::Malformed(e.to_string()))?;
                push_text(&mut stack, &content)?;
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(ch)) => ch.to_string(),
                    Ok(None) => {
                        let name = r.decode().map_err(|e| XmlError::Malformed(e.to_string()))?;
                        predefined(&name).ok_or_else(|| XmlError::UndefinedEntity(name.into_owned()))?.to_string()
                    }
                    Err(e) => return Err(XmlError::Malformed(e.to_string())),
                };
                push_text(&mut stack, &resolved)?;
            }
            Event::DocType(_) => return Err(XmlError::Doctype),
            Event::PI(_) => return Err(XmlError::ProcessingInstruction),
            Event::Decl(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(XmlError::Malformed(format!("unclosed element <{}>", stack[stack.len() - 1].name)));
    }
    root.ok_or(XmlError::Empty)
}

fn close(element: Element, stack: &mut [Element], root: &mut Option<Element>) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None => *root = Some(element),
    }
}

fn push_text(stack: &mut [Element], content: &str) -> Result<(), XmlError> {
    match stack.last_mut() {
        Some(element) => element.text.push_str(content),
        // Only whitespace may stand outside the document element.
        None if content.trim().is_empty() => {}
        None => return Err(XmlError::Malformed("text outside the document element".into())),
    }
    Ok(())
}

fn predefined(name: &str) -> Option<&'static str> {
    Some(match name {
        "lt" => "<",
        "gt" => ">",
        "amp" => "&",
        "apos" => "'",
        "quot" => "\"",
        _ => return None,
    })
}

fn entity_error(message: &str) -> XmlError {
    if message.contains("entity") {
        XmlError::UndefinedEntity(message.to_string())
    } else {
        XmlError::Malformed(message.to_string())
    }
}

fn namespace(resolved: &ResolveResult<'_>) -> Result<Option<String>, XmlError> {
    match resolved {
        ResolveResult::Unbound => Ok(None),
        ResolveResult::Bound(ns) => Ok(Some(utf8(ns.as_ref())?)),
        ResolveResult::Unknown(prefix) => {
            Err(XmlError::Malformed(format!("undeclared namespace prefix {:?}", String::from_utf8_lossy(prefix))))
        }
    }
}

fn utf8(bytes: &[u8]) -> Result<String, XmlError> {
    String::from_utf8(bytes.to_vec()).map_err(|_| XmlError::NotUtf8)
}
