import Crypto
import Foundation
import TenantCore

/// The EMC monitoring code of a commune's pages (Circular 22/2023/TT-BTTTT):
/// the system's official inline snippet with the site's numeric id, which
/// loads the platform's EMC script (``PlatformSettings``). The page's
/// Content-Security-Policy allows this snippet by its hash and scripts from
/// the EMC system's origin only: nothing an editor types becomes a script
/// or an origin.
struct EMCCode: Sendable {
    /// The snippet's JavaScript, made of the validated site id and settings.
    let script: String
    /// `'sha256-…'` of ``script``.
    let hash: String
    /// The EMC system's origins: where the script loads from and sends to.
    let origins: [String]

    /// nil when the site has no id or the settings are not usable.
    init?(siteID: String, settings: PlatformSettings) {
        guard !siteID.isEmpty, siteID.utf8.count <= 12, siteID.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            let origins = settings.emcOrigins
        else { return nil }
        // The values are digits and https addresses of [A-Za-z0-9._~/:-]
        // (PlatformSettings.origin(of:)): nothing in them can end the string or the element.
        self.script = """
            var _govaq = window._govaq || [];
            _govaq.push(['trackPageView']);
            _govaq.push(['enableLinkTracking']);
            (function () {
              _govaq.push(['setTrackerUrl', '\(settings.emcTracker)']);
              _govaq.push(['setSiteId', '\(siteID)']);
              var d = document, g = d.createElement('script'), s = d.getElementsByTagName('script')[0];
              g.type = 'text/javascript'; g.async = true; g.defer = true;
              g.src = '\(settings.emcScript)';
              s.parentNode.insertBefore(g, s);
            })();
            """
        self.hash = "'sha256-" + Data(SHA256.hash(data: Data(self.script.utf8))).base64EncodedString() + "'"
        self.origins = origins
    }

    /// The `<script>` element of the page's `<head>`.
    var element: HTML { HTML(bytes: Array("<script>\(self.script)</script>\n".utf8)) }

    /// The page's policy: this snippet, and the EMC system's origins.
    var contentSecurityPolicy: String {
        let origins = self.origins.joined(separator: " ")
        return PageResponse.policy(scripts: "\(self.hash) \(origins)", connect: origins)
    }
}
