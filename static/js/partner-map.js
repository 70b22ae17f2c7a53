// The partner map: markers read from the "partners-data" JSON element, on the tiles of
// data-tile-url when one is configured, on a blank background otherwise. The list beneath
// the map carries the same partners, so the page works without this script.
(function () {
  "use strict";

  var element = document.getElementById("partner-map");
  var data = document.getElementById("partners-data");
  if (!element || !data || typeof L === "undefined") {
    return;
  }
  var partners = JSON.parse(data.textContent);
  if (!partners.length) {
    return;
  }
  var labels = element.dataset;

  element.hidden = false;
  // Set through the DOM: the Content-Security-Policy forbids style attributes in the page.
  element.style.height = "28rem";

  var map = L.map(element, { zoomControl: false });
  L.control
    .zoom({ zoomInTitle: labels.zoomIn, zoomOutTitle: labels.zoomOut })
    .addTo(map);
  if (labels.tileUrl) {
    L.tileLayer(labels.tileUrl, {
      maxZoom: 19,
      attribution: labels.tileAttribution,
    }).addTo(map);
  }

  function popupFor(partner) {
    // Built from text nodes: names come from the directory and are never read as HTML.
    var box = document.createElement("div");
    var name = document.createElement("strong");
    name.textContent = partner.name;
    box.appendChild(name);
    if (partner.categories.length) {
      var categories = document.createElement("div");
      categories.textContent = partner.categories.join(", ");
      box.appendChild(categories);
    }
    if (partner.closed_until) {
      var badge = document.createElement("span");
      badge.className = "badge text-bg-warning";
      badge.textContent = labels.closedLabel + " " + partner.closed_until;
      box.appendChild(badge);
    }
    var link = document.createElement("a");
    link.href = partner.url;
    link.className = "d-block mt-1";
    link.textContent = labels.linkLabel;
    link.setAttribute("aria-label", labels.linkLabel + " : " + partner.name);
    box.appendChild(link);
    return box;
  }

  var bounds = [];
  partners.forEach(function (partner) {
    var position = [partner.lat, partner.lon];
    bounds.push(position);
    L.marker(position, { title: partner.name, alt: partner.name })
      .bindPopup(popupFor(partner))
      .addTo(map);
  });
  if (bounds.length === 1) {
    map.setView(bounds[0], 15);
  } else {
    map.fitBounds(bounds, { padding: [30, 30], maxZoom: 15 });
  }
})();
