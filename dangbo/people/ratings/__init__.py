"""Annual ratings (đánh giá, xếp loại chất lượng) of members, cadres and organisations."""
