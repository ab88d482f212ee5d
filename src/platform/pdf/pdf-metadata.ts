// What TaggedPdf adds to pdfkit's XMP metadata: the PDF/UA identification of archival (PDF/A) documents
// and text that the metadata can hold.
/**
 * The XMP identification of PDF/UA-1 (ISO 14289-1, 6.7.11), as pdfkit writes it for its 'PDF/UA'
 * subset, and, since pdfuaid is not among PDF/A-2's predefined schemas, its declaration as a PDF/A
 * extension schema (ISO 19005-2, 6.6.2.3).
 */
export const PDFUA_IDENTIFICATION = `
        <rdf:Description xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" rdf:about="">
            <pdfuaid:part>1</pdfuaid:part>
        </rdf:Description>
        <rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
            xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
            xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
            <pdfaExtension:schemas>
                <rdf:Bag>
                    <rdf:li rdf:parseType="Resource">
                        <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
                        <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
                        <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
                        <pdfaSchema:property>
                            <rdf:Seq>
                                <rdf:li rdf:parseType="Resource">
                                    <pdfaProperty:name>part</pdfaProperty:name>
                                    <pdfaProperty:valueType>Integer</pdfaProperty:valueType>
                                    <pdfaProperty:category>internal</pdfaProperty:category>
                                    <pdfaProperty:description>Part of ISO 14289 followed</pdfaProperty:description>
                                </rdf:li>
                            </rdf:Seq>
                        </pdfaSchema:property>
                    </rdf:li>
                </rdf:Bag>
            </pdfaExtension:schemas>
        </rdf:Description>
        `;

/**
 * pdfkit copies the title, subject and author into the XMP metadata as they are, so `&` or `<` (a name
 * typed that way) would break the XML: they become look-alike characters in both places.
 */
export const metadataText = (text: string) => text.replace(/&/g, '＆').replace(/</g, '‹').replace(/>/g, '›');
