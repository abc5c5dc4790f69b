// The label's signatures checked again in the reader's own browser (WebCrypto Ed25519),
// against the keys at /.well-known/tanji-keys.json: the server is not taken on trust.
// The envelope comes from the page's JSON data island; nothing is loaded from elsewhere.
// Canonical JSON (RFC 8785): object members sorted by UTF-16 code units (what Array.sort
// does on strings), strings and numbers as ECMAScript's JSON.stringify writes them —
// RFC 8785 is defined to agree with it.
(function () {
  "use strict";
  var island = document.getElementById("label-envelope");
  var out = document.getElementById("browser-check");
  if (!island || !out) { return; }

  function canon(value) {
    if (value === null || typeof value !== "object") { return JSON.stringify(value); }
    if (Array.isArray(value)) { return "[" + value.map(canon).join(",") + "]"; }
    return "{" + Object.keys(value).sort().map(function (key) {
      return JSON.stringify(key) + ":" + canon(value[key]);
    }).join(",") + "}";
  }

  function unbase64url(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) { b64 += "="; }
    var raw = atob(b64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }

  function say(key, extra) {
    out.textContent = out.dataset[key] + (extra ? " " + extra : "");
    out.className = key === "ok" ? "ok" : (key === "bad" ? "bad" : "");
  }

  async function check() {
    if (!window.crypto || !window.crypto.subtle) { say("unsupported"); return; }
    var envelope = JSON.parse(island.textContent);
    var answer = await fetch(out.dataset.keys, { cache: "no-store" });
    var keys = {};
    (await answer.json()).keys.forEach(function (key) { keys[key.kid] = key; });
    var checked = 0;
    for (var i = 0; i < envelope.signatures.length; i++) {
      var sig = envelope.signatures[i];
      var jwk = keys[sig.keyid];
      if (!jwk || jwk.signer !== sig.signer) { say("bad", sig.keyid); return; }
      var key;
      try {
        key = await crypto.subtle.importKey(
          "jwk", { kty: "OKP", crv: "Ed25519", x: jwk.x }, { name: "Ed25519" }, false, ["verify"]
        );
      } catch (error) { say("unsupported"); return; }
      var message = canon({
        type: "tanji.claim.v1", keyid: sig.keyid, alg: sig.alg, signer: sig.signer,
        signed_at: sig.signed_at, claim: envelope.claim
      });
      var good = await crypto.subtle.verify(
        { name: "Ed25519" }, key, unbase64url(sig.sig), new TextEncoder().encode(message)
      );
      if (!good) { say("bad", sig.keyid); return; }
      checked += 1;
    }
    say(checked ? "ok" : "bad", "(" + checked + ")");
  }

  check().catch(function () { say("unsupported"); });
})();
