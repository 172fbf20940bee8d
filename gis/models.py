"""Spatial base data: area polygons, unit grids, the component census, cameras (GIS issue)."""
