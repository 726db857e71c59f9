/** The web explorer: `aa-nas serve` wires these together; tests and scripts can too. */
export { ExplorerData, type MetaResponse } from "./explorer-data.js";
export { startExplorer, createRequestHandler, isLoopbackHost, DEFAULT_HOST, DEFAULT_PORT, type RunningExplorer, type ExplorerServerOptions } from "./server.js";
export { loadCampaigns, parseCampaigns, campaignSchema, SearchRunsError, type LoadedCampaign } from "./runs/search-run-file.js";
export { StaticFiles } from "./static-files.js";
