using System.Net;
using System.Text;

namespace CycleGan.Reporting;

/// <summary>An image on a report page: its path relative to the page, and the caption under it.</summary>
public sealed record ReportImage(string Source, string Caption);

/// <summary>
/// A plain static HTML page (like the official <c>util/html.py</c>): a title, then headings, text, tables,
/// rows of captioned images and plot images, in the order added. Image paths are relative to the page, so
/// the folder can be moved or zipped. All text is HTML-escaped.
/// </summary>
public sealed class HtmlReport
{
    readonly StringBuilder _body = new();

    public string Title { get; }

    public HtmlReport(string title) => Title = title;

    static string E(string s) => WebUtility.HtmlEncode(s);

    public HtmlReport Heading(string text)
    {
        _body.Append("<h2>").Append(E(text)).Append("</h2>\n");
        return this;
    }

    public HtmlReport Paragraph(string text)
    {
        _body.Append("<p>").Append(E(text)).Append("</p>\n");
        return this;
    }

    public HtmlReport Link(string href, string text)
    {
        _body.Append("<p><a href=\"").Append(E(href)).Append("\">").Append(E(text)).Append("</a></p>\n");
        return this;
    }

    public HtmlReport Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, string? caption = null)
    {
        _body.Append("<table>\n");
        if (caption != null) _body.Append("<caption>").Append(E(caption)).Append("</caption>\n");
        _body.Append("<tr>");
        foreach (var h in header) _body.Append("<th>").Append(E(h)).Append("</th>");
        _body.Append("</tr>\n");
        foreach (var r in rows)
        {
            _body.Append("<tr>");
            foreach (var c in r) _body.Append("<td>").Append(E(c)).Append("</td>");
            _body.Append("</tr>\n");
        }
        _body.Append("</table>\n");
        return this;
    }

    /// <summary>One row of images side by side, each with its caption, optionally labelled on the left.</summary>
    public HtmlReport ImageRow(IEnumerable<ReportImage> images, string? label = null, int width = 256)
    {
        _body.Append("<div class=\"row\">");
        if (label != null) _body.Append("<div class=\"label\">").Append(E(label)).Append("</div>");
        foreach (var im in images)
            _body.Append("<figure><a href=\"").Append(E(im.Source)).Append("\"><img src=\"").Append(E(im.Source))
                 .Append("\" width=\"").Append(width).Append("\"></a><figcaption>").Append(E(im.Caption)).Append("</figcaption></figure>");
        _body.Append("</div>\n");
        return this;
    }

    /// <summary>A plot (a PNG written by <see cref="Plots"/>) at its natural size.</summary>
    public HtmlReport Plot(string source, string caption)
    {
        _body.Append("<figure><img src=\"").Append(E(source)).Append("\"><figcaption>").Append(E(caption))
            .Append("</figcaption></figure>\n");
        return this;
    }

    public string ToHtml() =>
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + E(Title) + "</title>\n<style>" +
        "body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;margin:0.5em 0 1.5em}" +
        "td,th{border:1px solid #bbb;padding:2px 8px;text-align:right}th{background:#eee}caption{text-align:left;font-weight:bold}" +
        "td:first-child{text-align:left}.row{display:flex;align-items:flex-start;gap:8px;margin:4px 0}.label{width:6em}" +
        "figure{margin:0}figcaption{font-size:small;color:#444}" +
        "</style></head>\n<body>\n<h1>" + E(Title) + "</h1>\n" + _body + "</body></html>\n";

    public void Save(string path) => AtomicFile.WriteAllText(path, ToHtml());
}
