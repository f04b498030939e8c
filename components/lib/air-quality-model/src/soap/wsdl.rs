//! The WSDL 1.1 description: document/literal wrapped, one embedded XSD schema, SOAP 1.1
//! binding over HTTP. Only the endpoint address varies, so the document is a constant with
//! one placeholder.

use super::xml::escape;

const ADDRESS: &str = "{{address}}";

const TEMPLATE: &str = include_str!("air-quality.wsdl");

/// The WSDL with `soap:address location` set to `address` (the URL the client used).
pub fn document(address: &str) -> String {
    TEMPLATE.replace(ADDRESS, &escape(address))
}

/// The embedded schema's text (for tests that validate instances against it).
pub fn schema() -> &'static str {
    let start = TEMPLATE.find("<xs:schema").expect("the WSDL embeds a schema");
    let end = TEMPLATE.find("</xs:schema>").expect("the schema is closed") + "</xs:schema>".len();
    &TEMPLATE[start..end]
}

#[cfg(test)]
mod tests {
    use super::super::operation::OperationName;
    use super::super::tree::parse;
    use super::*;

    #[test]
    fn is_well_formed_and_names_every_operation_and_the_address() {
        let wsdl = document("http://127.0.0.1:3000/air-quality?x=<&>");
        let root = parse(wsdl.as_bytes()).unwrap();
        assert_eq!(root.name, "definitions");
        for op in OperationName::ALL {
            assert!(wsdl.contains(&format!("soapAction=\"{}\"", op.soap_action())), "{}", op.as_str());
            assert!(wsdl.contains(&format!("<xs:element name=\"{}\">", op.as_str())));
            assert!(wsdl.contains(&format!("<xs:element name=\"{}Response\">", op.as_str())));
        }
        assert!(wsdl.contains("location=\"http://127.0.0.1:3000/air-quality?x=&lt;&amp;&gt;\""));
        assert!(!wsdl.contains(ADDRESS));
    }

    #[test]
    fn schema_is_extractable() {
        assert!(schema().starts_with("<xs:schema"));
        assert!(schema().ends_with("</xs:schema>"));
    }
}
