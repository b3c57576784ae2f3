"""A habitat-like structured config package: dataclass schemas registered in a ConfigStore.

Shaped after large simulator projects (habitat-lab and the like), written for this
benchmark: a root schema with nested dataclasses, and many small typed nodes (actions,
measurements, task sensors, simulator sensors, agents) that YAML configs pull in by
group, so that one composition merges about fifteen structured nodes.

`register(store)` fills any ConfigStore; `config_store()` picks hydria's or Hydra's
default store (the benchmark loads this module in both, see `structured_speed.py`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from omegaconf import MISSING


def config_store(flavour: str | None = None) -> Any:
    """The default ConfigStore of `flavour` (`hydria` or `hydra`; env HABITAT_LIKE_STORE)."""
    flavour = flavour or os.environ.get("HABITAT_LIKE_STORE", "hydria")
    if flavour == "hydra":
        from hydra.core.config_store import ConfigStore as HydraStore

        return HydraStore.instance()
    from hydria.core.config_store import ConfigStore as HydriaStore

    return HydriaStore.instance()


@dataclass
class IteratorOptions:
    cycle: bool = True
    shuffle: bool = True
    group_by_scene: bool = True
    num_episode_sample: int = -1
    max_scene_repeat_episodes: int = -1
    max_scene_repeat_steps: int = 10000
    step_repetition_range: float = 0.2


@dataclass
class EnvironmentSettings:
    max_episode_steps: int = 1000
    max_episode_seconds: int = 10000000
    iterator_options: IteratorOptions = field(default_factory=IteratorOptions)


@dataclass
class NoiseModel:
    name: str = "None"
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass
class SimSensor:
    type: str = MISSING
    height: int = 480
    width: int = 640
    position: list[float] = field(default_factory=lambda: [0.0, 1.25, 0.0])
    orientation: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])
    hfov: int = 90
    sensor_subtype: str = "PINHOLE"
    noise_model: NoiseModel = field(default_factory=NoiseModel)


@dataclass
class RGBSensor(SimSensor):
    type: str = "HabitatSimRGBSensor"
    uuid: str = "rgb"


@dataclass
class DepthSensor(SimSensor):
    type: str = "HabitatSimDepthSensor"
    uuid: str = "depth"
    min_depth: float = 0.0
    max_depth: float = 10.0
    normalize_depth: bool = True


@dataclass
class SemanticSensor(SimSensor):
    type: str = "HabitatSimSemanticSensor"
    uuid: str = "semantic"


@dataclass
class Agent:
    height: float = 1.5
    radius: float = 0.1
    max_climb: float = 0.2
    max_slope: float = 45.0
    grasp_managers: int = 1
    sim_sensors: dict[str, SimSensor] = field(default_factory=dict)
    is_set_start_state: bool = False
    start_position: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])
    start_rotation: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0, 1.0])
    joint_start_noise: float = 0.1
    articulated_agent_urdf: str | None = None
    articulated_agent_type: str | None = None
    ik_arm_urdf: str | None = None


@dataclass
class SimBackend:
    gpu_device_id: int = 0
    gpu_gpu: bool = False
    allow_sliding: bool = True
    frustum_culling: bool = True
    enable_physics: bool = False
    physics_config_file: str = "./data/default.physics_config.json"
    leave_context_with_background_renderer: bool = False
    enable_gfx_replay_save: bool = False
    hbao_visual_effects: bool = False


@dataclass
class Simulator:
    type: str = "Sim-v0"
    forward_step_size: float = 0.25
    turn_angle: int = 10
    create_renderer: bool = False
    requires_textures: bool = True
    auto_sleep: bool = False
    step_physics: bool = True
    concur_render: bool = False
    needs_markers: bool = True
    update_articulated_agent: bool = True
    scene: str = "data/scene_datasets/habitat-test-scenes/van-gogh-room.glb"
    scene_dataset: str = "default"
    additional_object_paths: list[str] = field(default_factory=list)
    seed: int = "${habitat.seed}"  # type: ignore[assignment]
    default_agent_id: int = 0
    debug_render: bool = False
    agents: dict[str, Agent] = field(default_factory=dict)
    agents_order: list[str] = field(default_factory=list)
    habitat_sim_v0: SimBackend = field(default_factory=SimBackend)
    ep_info: dict[str, Any] | None = None
    object_ids_start: int = 100


@dataclass
class Action:
    type: str = MISSING
    agent_index: int | None = None


@dataclass
class StopAction(Action):
    type: str = "StopAction"


@dataclass
class MoveForwardAction(Action):
    type: str = "MoveForwardAction"


@dataclass
class TurnLeftAction(Action):
    type: str = "TurnLeftAction"


@dataclass
class TurnRightAction(Action):
    type: str = "TurnRightAction"


@dataclass
class LookUpAction(Action):
    type: str = "LookUpAction"
    tilt_angle: int = 15


@dataclass
class Measurement:
    type: str = MISSING


@dataclass
class DistanceToGoal(Measurement):
    type: str = "DistanceToGoal"
    distance_to: str = "POINT"


@dataclass
class Success(Measurement):
    type: str = "Success"
    success_distance: float = 0.2


@dataclass
class SPL(Measurement):
    type: str = "SPL"


@dataclass
class DistanceToGoalReward(Measurement):
    type: str = "DistanceToGoalReward"


@dataclass
class NumSteps(Measurement):
    type: str = "NumStepsMeasure"


@dataclass
class FogOfWar:
    draw: bool = True
    visibility_dist: float = 5.0
    fov: int = 90


@dataclass
class TopDownMap(Measurement):
    type: str = "TopDownMap"
    max_episode_steps: int = "${habitat.environment.max_episode_steps}"  # type: ignore[assignment]
    map_padding: int = 3
    map_resolution: int = 1024
    draw_source: bool = True
    draw_border: bool = True
    draw_shortest_path: bool = True
    fog_of_war: FogOfWar = field(default_factory=FogOfWar)


@dataclass
class LabSensor:
    type: str = MISSING


@dataclass
class PointGoalSensor(LabSensor):
    type: str = "PointGoalWithGPSCompassSensor"
    goal_format: str = "POLAR"
    dimensionality: int = 2


@dataclass
class CompassSensor(LabSensor):
    type: str = "CompassSensor"


@dataclass
class GPSSensor(LabSensor):
    type: str = "GPSSensor"
    dimensionality: int = 2


@dataclass
class Task:
    physics_target_sps: float = 60.0
    reward_measure: str | None = None
    success_measure: str | None = None
    success_reward: float = 2.5
    slack_reward: float = -0.01
    end_on_success: bool = False
    type: str = "Nav-v0"
    lab_sensors: dict[str, LabSensor] = field(default_factory=dict)
    measurements: dict[str, Measurement] = field(default_factory=dict)
    goal_sensor_uuid: str = "pointgoal"
    count_obj_collisions: bool = True
    constraint_violation_ends_episode: bool = True
    actions: dict[str, Action] = field(default_factory=dict)
    filter_instances: list[str] = field(default_factory=list)


@dataclass
class Dataset:
    type: str = "PointNav-v1"
    split: str = "train"
    scenes_dir: str = "data/scene_datasets"
    content_scenes: list[str] = field(default_factory=lambda: ["*"])
    data_path: str = "data/datasets/pointnav/habitat-test-scenes/v1/{split}/{split}.json.gz"


@dataclass
class Gym:
    auto_name: str = ""
    obs_keys: list[str] | None = None
    action_keys: list[str] | None = None
    achieved_goal_keys: list[str] = field(default_factory=list)
    desired_goal_keys: list[str] = field(default_factory=list)


@dataclass
class Root:
    seed: int = 100
    env_task: str = "GymHabitatEnv"
    env_task_gym_dependencies: list[str] = field(default_factory=list)
    env_task_gym_id: str = ""
    environment: EnvironmentSettings = field(default_factory=EnvironmentSettings)
    simulator: Simulator = field(default_factory=Simulator)
    task: Task = MISSING
    dataset: Dataset = MISSING
    gym: Gym = field(default_factory=Gym)


def register(store: Any) -> None:
    """Register every schema in `store` (hydria's or Hydra's ConfigStore)."""
    store.store(group="habitat", name="habitat_config_base", node=Root)
    store.store(group="habitat/task", name="task_config_base", node=Task)
    store.store(group="habitat/dataset", name="dataset_config_base", node=Dataset)
    store.store(group="habitat/simulator/agents", name="agent_base", node=Agent)
    sensors: dict[str, type[SimSensor]] = {
        "rgb_sensor": RGBSensor,
        "depth_sensor": DepthSensor,
        "semantic_sensor": SemanticSensor,
    }
    for name, sensor in sensors.items():
        store.store(group="habitat/simulator/sim_sensors", name=name, node=sensor)
    typed_groups: dict[str, dict[str, type]] = {
        "actions": {
            "stop": StopAction,
            "move_forward": MoveForwardAction,
            "turn_left": TurnLeftAction,
            "turn_right": TurnRightAction,
            "look_up": LookUpAction,
        },
        "measurements": {
            "distance_to_goal": DistanceToGoal,
            "success": Success,
            "spl": SPL,
            "distance_to_goal_reward": DistanceToGoalReward,
            "num_steps": NumSteps,
            "top_down_map": TopDownMap,
        },
        "lab_sensors": {
            "pointgoal_sensor": PointGoalSensor,
            "compass_sensor": CompassSensor,
            "gps_sensor": GPSSensor,
        },
    }
    for group, nodes in typed_groups.items():
        for name, node in nodes.items():
            store.store(
                group=f"habitat/task/{group}",
                name=name,
                node=node,
                package=f"habitat.task.{group}.{name}",
            )
