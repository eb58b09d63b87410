package io.callstream.twilio;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * The stream-first invariant, checked on every TwiML callstream answers to Twilio: the document is
 * {@code <Response>} whose first verb is {@code <Connect>} holding a {@code <Stream>}, and it
 * carries no {@code <Record>} anywhere. A {@code <Record>} (or any other verb) before the stream
 * blocks: the stream would never start and the agent would never hear the caller. Parsed with the
 * JDK parser, DTDs and external entities refused; input is bounded ({@link #MAX_BYTES}) and callers
 * run it off the event loop.
 */
public final class TwimlCheck {
  /** Larger answers are refused unparsed (ElevenLabs' TwiML is a few hundred bytes). */
  public static final int MAX_BYTES = 32 * 1024;

  /** What callstream answers when it cannot connect the caller to the agent. */
  public static final String FALLBACK =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>"
          + "<Say>Sorry, we cannot take your call right now. Please try again in a few minutes.</Say>"
          + "<Hangup/></Response>";

  /** The verdict: {@code ok}, or why the TwiML was refused. */
  public record Verdict(boolean ok, String reason) {
    static Verdict refused(String reason) {
      return new Verdict(false, reason);
    }
  }

  private static final Verdict OK = new Verdict(true, null);

  private TwimlCheck() {}

  public static Verdict check(String twiml) {
    if (twiml == null || twiml.isBlank()) {
      return Verdict.refused("empty TwiML");
    }
    byte[] bytes = twiml.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_BYTES) {
      return Verdict.refused("TwiML larger than " + MAX_BYTES + " bytes");
    }
    Document doc;
    try {
      DocumentBuilder builder = FACTORY.newDocumentBuilder();
      builder.setErrorHandler(new DefaultHandler()); // no stderr noise; a fatal error still throws
      doc = builder.parse(new ByteArrayInputStream(bytes));
    } catch (SAXException | IOException | ParserConfigurationException e) {
      return Verdict.refused(
          "not well-formed XML (or it declares a DTD): " + oneLine(e.getMessage()));
    }
    Element root = doc.getDocumentElement();
    if (!"Response".equals(root.getTagName())) {
      return Verdict.refused("root element is <" + root.getTagName() + ">, not <Response>");
    }
    if (root.getElementsByTagName("Record").getLength() > 0) {
      return Verdict.refused("carries <Record>");
    }
    Element first = firstElement(root.getFirstChild());
    if (first == null) {
      return Verdict.refused("<Response> has no verb");
    }
    if (!"Connect".equals(first.getTagName())) {
      return Verdict.refused("<" + first.getTagName() + "> before <Connect><Stream>");
    }
    Element stream = firstElement(first.getFirstChild());
    if (stream == null || !"Stream".equals(stream.getTagName())) {
      return Verdict.refused("<Connect> does not start with <Stream>");
    }
    if (stream.getAttribute("url").isBlank()) {
      return Verdict.refused("<Stream> has no url");
    }
    return OK;
  }

  /** The first element at or after this node among its siblings (text and comments skipped). */
  private static Element firstElement(Node node) {
    for (Node n = node; n != null; n = n.getNextSibling()) {
      if (n instanceof Element e) {
        return e;
      }
    }
    return null;
  }

  /** A parser that refuses DOCTYPEs outright: no DTD, no entity expansion, no external fetches. */
  /** Configured once (a provider lookup and eleven features); a builder is made per check. */
  private static final DocumentBuilderFactory FACTORY = factory();

  private static DocumentBuilderFactory factory() {
    try {
      return secureFactory();
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the JDK's XML parser refused a security feature", e);
    }
  }

  private static DocumentBuilderFactory secureFactory() throws ParserConfigurationException {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    f.setFeature("http://xml.org/sax/features/external-general-entities", false);
    f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    f.setXIncludeAware(false);
    f.setExpandEntityReferences(false);
    f.setNamespaceAware(false);
    return f;
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s+", " ").trim();
  }
}
