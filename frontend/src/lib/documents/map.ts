import { gql } from '@urql/core';

// The map page's background (pages/Map.tsx).

export const MAP_TILES = gql`
  query MapTiles {
    mapTiles { urlTemplate attribution }
  }
`;
