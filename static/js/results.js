// Draw the radar chart from the figure the server embedded with json_script (charts.js).
window.sodpaDrawChart("radar", "radar-data");
