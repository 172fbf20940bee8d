"""The sampling subsystem's actions, by stage: the library, tasks and special collections, patrols,
rechecks. Web pages and the API call these, never the models directly."""
